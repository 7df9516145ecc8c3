import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Scope } from '../api-keys/api-key.entity';
import { scopeAllows } from '../api-keys/api-key-format';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../errors/domain-error';
import { PUBLIC, SCOPE } from './auth.decorators';
import { clientKey } from './client-address';
import { RateLimiter } from './rate-limiter';

// Every route needs `Authorization: Bearer <key>` unless marked @Public(); the key decides the organization.
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly limiter: RateLimiter;
  // failed authentications per client (address, or IPv6 /64): past the limit it is refused until its minute is over
  private readonly failures: RateLimiter;

  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    config: AppConfig,
  ) {
    this.limiter = new RateLimiter(config.auth.rateLimitPerMinute);
    this.failures = new RateLimiter(config.auth.failuresPerMinute);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest & { principal?: unknown }>();
    const res = ctx.switchToHttp().getResponse<FastifyReply>();
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw new DomainError('unauthorized', 'send an API key as "Authorization: Bearer <key>"', 401);
    // Checked before the key, even a valid one: otherwise a guesser would still learn which of its guesses is right.
    const client = clientKey(req.ip);
    const blocked = this.failures.wait(client);
    if (blocked > 0) {
      void res.header('Retry-After', String(blocked));
      throw new DomainError('rate_limited', `too many failed authentications from this address; retry in ${blocked} s`, 429);
    }
    const principal = await this.apiKeys.authenticate(m[1]);
    if (!principal) {
      this.failures.take(client);
      throw new DomainError('unauthorized', 'API key is unknown or revoked', 401);
    }
    const wait = this.limiter.take(principal.keyId);
    if (wait > 0) {
      void res.header('Retry-After', String(wait));
      throw new DomainError('rate_limited', `rate limit of this API key exceeded; retry in ${wait} s`, 429);
    }
    const needed: Scope = this.reflector.getAllAndOverride<Scope>(SCOPE, targets) ?? (['GET', 'HEAD'].includes(req.method) ? 'read' : 'write');
    if (!scopeAllows(principal.scopes, needed)) {
      throw new DomainError('forbidden', `this API key lacks the "${needed}" scope`, 403);
    }
    req.principal = principal;
    return true;
  }
}
