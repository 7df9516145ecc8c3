import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { AuthGuard } from './auth.guard';
import { ErrorFilter } from './error.filter';
import { PurgeIdempotencyKeys } from './purge-idempotency-keys.job';
import { validationPipe } from './validation';

// HTTP conventions every endpoint follows: API-key auth with scopes and rate limit, field-level validation,
// one error shape. Idempotency-Key on POSTs, request metrics and body parsers are Fastify hooks, set up in app.ts.
@Module({
  imports: [ApiKeysModule],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_FILTER, useClass: ErrorFilter },
    { provide: APP_PIPE, useFactory: validationPipe },
    PurgeIdempotencyKeys,
  ],
})
export class ApiModule {}
