import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { VendorsModule } from '../vendors/vendors.module';
import { HealthController } from './health.controller';

@Module({ imports: [TerminusModule.forRoot({ logger: false }), VendorsModule], controllers: [HealthController] })
export class HealthModule {}
