import { DynamicModule, Global, Module } from '@nestjs/common';
import { BootConsole } from './boot-console';

// The BootConsole that createApp() made the root logger's destination, for the bootstrap and main.ts.
@Global()
@Module({})
export class BootModule {
  static forRoot(bootConsole: BootConsole): DynamicModule {
    return { module: BootModule, providers: [{ provide: BootConsole, useValue: bootConsole }], exports: [BootConsole] };
  }
}
