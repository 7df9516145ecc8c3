import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
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

// Headers and fields that carry credentials: never written to the log.
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            redact: { paths: REDACT, censor: '[redacted]' },
            // the request id is Fastify's (src/api/request-id.ts), which pino-http finds on the request
            autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') || req.url === '/metrics' },
          },
        }),
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
