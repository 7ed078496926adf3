import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ApiKeys, StreamTokens } from './keys';
import { LIVE_KEY, ROLE_KEY } from './role.decorator';
import { may, Role, RouteRole } from './roles';

/** What the guard found out about the caller, for the routes that need it (POST /auth/stream-token). */
export interface Access {
  role: Role;
}
export type AccessRequest = Request & { access?: Access };

/**
 * Every route's door (API.md "Access"), global: the route's declared role (`@Role`) against the key in
 * `Authorization: Bearer <key>`, or, on the live routes only, a stream token in `?token=`.
 * No key or an unknown one: 401 with `WWW-Authenticate: Bearer`; a known key without the role: 403.
 * A route that declares no role is refused for everyone (fail closed). With no key configured, every
 * route is open (local mode, loopback only: see main.ts).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger('Access');

  constructor(
    private readonly reflector: Reflector,
    @Inject(ApiKeys) private readonly keys: ApiKeys,
    @Inject(StreamTokens) private readonly tokens: StreamTokens,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const required = this.reflector.getAllAndOverride<RouteRole | undefined>(ROLE_KEY, targets);
    const http = context.switchToHttp();
    const req = http.getRequest<AccessRequest>();
    const res = http.getResponse<Response>();
    if (required === undefined) {
      this.logger.error(`${req.method} ${req.route?.path ?? req.path} declares no role (@Role): refused`);
      throw new ForbiddenException('This route declares no role, so it is refused to everyone');
    }
    if (required === 'public') return true;
    if (this.keys.open) {
      req.access = { role: 'admin' };
      return true;
    }
    const live = this.reflector.getAllAndOverride<boolean | undefined>(LIVE_KEY, targets) === true;
    const role = this.callerRole(req, res, live);
    if (!may(role, required)) throw new ForbiddenException(`A ${role} key may not call this route: it requires the ${required} role`);
    req.access = { role };
    return true;
  }

  private callerRole(req: Request, res: Response, live: boolean): Role {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const bearer = /^Bearer +(\S+) *$/i.exec(header);
      if (bearer === null) throw unauthorized(res, 'The Authorization header must be "Bearer <key>"', 'invalid_request');
      const role = this.keys.roleOf(bearer[1]);
      if (role === null) throw unauthorized(res, 'Unknown API key', 'invalid_token');
      return role;
    }
    const token = live ? (req.query as Record<string, unknown>).token : undefined;
    if (typeof token === 'string') {
      const checked = this.tokens.check(token);
      if ('refused' in checked) throw unauthorized(res, checked.refused, 'invalid_token');
      return checked.role;
    }
    throw unauthorized(res, live ? 'An API key is needed (Authorization: Bearer <key>), or a stream token from POST /auth/stream-token as ?token=' : 'An API key is needed: Authorization: Bearer <key>');
  }
}

function unauthorized(res: Response, message: string, error?: 'invalid_request' | 'invalid_token'): UnauthorizedException {
  res.setHeader('WWW-Authenticate', error === undefined ? 'Bearer realm="crisis-ledger"' : `Bearer realm="crisis-ledger", error="${error}"`);
  return new UnauthorizedException(message);
}
