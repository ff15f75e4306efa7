import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError } from '../platform/errors.js';
import { RateLimiter } from '../platform/rate-limit.js';
import { type Role, roleRank } from './api-key.js';
import { ApiKeysService } from './api-keys.service.js';
import { type AuthenticatedRequest, PUBLIC_KEY, ROLES_KEY, WITH_MANDATES_VERSION } from './decorators.js';

/** Global guard: every route needs a valid key (`Authorization: Bearer mw_…`) unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest & { ip?: string; headers: Record<string, string | undefined>; log?: { setBindings?(b: object): void } }>();
    const header = req.headers.authorization;
    // Failed authentications count per client address: past the limit, 429 instead of 401.
    const failed = () => this.limiter.hit('auth-failures', req.ip ?? 'unknown');
    if (!header) await failed();
    if (!header) throw new ApiError(401, 'UNAUTHORIZED', 'An API key is required: Authorization: Bearer <key>', undefined, { 'WWW-Authenticate': 'Bearer' });
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const withVersion = this.reflector.getAllAndOverride<boolean>(WITH_MANDATES_VERSION, targets) ?? false;
    const found = m ? await this.keys.authenticate(m[1], { mandatesVersion: withVersion }) : null;
    if (!found) await failed();
    if (!found) throw new ApiError(401, 'UNAUTHORIZED', 'The API key is not valid (unknown, revoked or malformed)', undefined, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    const { mandatesVersion, ...actor } = found;
    req.actor = actor;
    if (withVersion) req.mandatesVersion = mandatesVersion ?? null;
    req.log?.setBindings?.({ actor: actor.id });
    const needed = this.reflector.getAllAndOverride<Role>(ROLES_KEY, targets) ?? 'viewer';
    if (roleRank(actor.role) < roleRank(needed)) {
      throw new ApiError(403, 'FORBIDDEN', `This needs the ${needed} role; the key has ${actor.role}`);
    }
    return true;
  }
}
