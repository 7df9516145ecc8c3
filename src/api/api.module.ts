import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { AuthGuard } from './auth.guard';
import { ErrorFilter } from './error.filter';
import { HttpMetricsInterceptor } from './http-metrics.interceptor';
import { IdempotencyMiddleware } from './idempotency.middleware';
import { PurgeIdempotencyKeys } from './purge-idempotency-keys.job';
import { validationPipe } from './validation';

// HTTP conventions every endpoint follows: API-key auth with scopes and rate limit, field-level validation,
// one error shape, Idempotency-Key on POSTs, request metrics.
@Module({
  imports: [ApiKeysModule],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_FILTER, useClass: ErrorFilter },
    { provide: APP_PIPE, useFactory: validationPipe },
    { provide: APP_INTERCEPTOR, useClass: HttpMetricsInterceptor },
    PurgeIdempotencyKeys,
  ],
})
export class ApiModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(IdempotencyMiddleware).forRoutes({ path: '*path', method: RequestMethod.POST });
  }
}
