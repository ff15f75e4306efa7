import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Role } from './api-key.js';

export const PUBLIC_KEY = 'mw:public';
export const ROLES_KEY = 'mw:role';

/** No API key needed (health, metrics, calendar feeds, unsubscribe links…). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The least role that may call this (roles are ordered viewer < editor < admin). Default: viewer. */
export const Roles = (role: Role) => applyDecorators(SetMetadata(ROLES_KEY, role), ApiExtension('x-required-role', role));

/** The OpenAPI extension naming an operation's least role (absent: viewer, or public when the operation has no security). */
export const REQUIRED_ROLE_EXTENSION = 'x-required-role';

/**
 * The handler needs the `mandates` projection's checkpoint (the version of its cached answers):
 * the guard reads it in the same statement as the API key, one round trip instead of two, and
 * puts it on `req.mandatesVersion`.
 */
export const WITH_MANDATES_VERSION = 'mw:with-mandates-version';
export const WithMandatesVersion = () => SetMetadata(WITH_MANDATES_VERSION, true);

export type AuthenticatedRequest = {
  actor?: Actor;
  /** Set when the route has @WithMandatesVersion(): the checkpoint read with the key (null: never ran). */
  mandatesVersion?: string | null;
};

/** Who is calling: the authenticated API key. */
export interface Actor {
  /** The key id: recorded as `metadata.actor` on every event this request appends. */
  id: string;
  name: string;
  role: Role;
}

/** The authenticated key as a handler parameter: `@Actor() actor: Actor`. */
export const Actor = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (!actor) throw new Error('@Actor() used on a public route');
  return actor;
});
