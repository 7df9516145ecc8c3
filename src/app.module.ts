import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { ApiModule } from './api/api.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
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
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        // Fastify's logger (src/api/request-log.ts): inside a request, Nest's Logger writes with the request's child
        LoggerModule.forRoot({ pinoHttp: { logger }, useExisting: true }),
        MetricsModule,
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
