import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Scope } from '../api-keys/api-key.entity';
import type { Principal } from '../api-keys/api-keys.service';

export const PUBLIC = 'hostdigest:public';
export const SCOPE = 'hostdigest:scope';

// No API key needed (health, metrics, docs, unsubscribe links).
export const Public = () => SetMetadata(PUBLIC, true);

// The scope an endpoint needs; without it GET/HEAD need read and every other method needs write.
export const RequireScope = (scope: Scope) => SetMetadata(SCOPE, scope);

// The caller's organization and key, set by the auth guard.
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest().principal;
});
