import { ClockModule } from './clock/clock';
import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { ApiModule } from './api/api.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { BootConsole } from './boot/boot-console';
import { BootModule } from './boot/boot.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './db/database.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { MetricsModule } from './metrics/metrics.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { SecretsModule } from './secrets/secrets.module';
import { HttpClientModule } from './http/http-client.module';
import { FEATURE_MODULES } from './features';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger, bootConsole: BootConsole): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        BootModule.forRoot(bootConsole),
        // Nest's Logger writes through Fastify's logger (src/api/request-log.ts). No per-request middleware: binding each
        // request's child logger needs AsyncLocalStorage.run(), which puts a hook on every promise of the process; what
        // must carry the request id (the request line, a 5xx) is logged with request.log instead.
        LoggerModule.forRoot({ pinoHttp: { logger }, useExisting: true, forRoutes: [] }),
        MetricsModule,
        ClockModule,
        DatabaseModule,
        SecretsModule,
        JobsModule,
        HttpClientModule,
        ApiModule,
        HealthModule,
        ApiKeysModule,
        OrganizationsModule,
        ...FEATURE_MODULES,
      ],
    };
  }
}
