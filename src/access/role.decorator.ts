import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiExtraModels, ApiResponse, ApiSecurity } from '@nestjs/swagger';
import { ErrorBody, FieldErrorBody } from '../http/api-responses';
import { RouteRole } from './roles';

export const ROLE_KEY = 'ledger:role';
export const LIVE_KEY = 'ledger:live';
/** The name of the bearer scheme in the OpenAPI document. */
export const BEARER = 'bearer';

const WWW_AUTHENTICATE = {
  'WWW-Authenticate': { description: 'Bearer: the route wants `Authorization: Bearer <key>`', required: true, schema: { type: 'string' as const } },
};

/**
 * The role a route requires (API.md "Access"), read by the global AccessGuard; a route without one is
 * refused (fail closed). It also tells the OpenAPI document: the bearer scheme as the route's security,
 * `x-required-role`, and the 401/403 answers. `public` routes need no key (the health probes).
 * `live: true` marks a Server-Sent Events route, the only kind that also takes a stream token as `?token=`.
 */
export function Role(role: RouteRole, options: { live?: boolean } = {}): MethodDecorator & ClassDecorator {
  if (role === 'public') return applyDecorators(SetMetadata(ROLE_KEY, role), ApiExtension('x-required-role', 'none'));
  const live = options.live === true;
  return applyDecorators(
    SetMetadata(ROLE_KEY, role),
    SetMetadata(LIVE_KEY, live),
    ApiBearerAuth(BEARER),
    ...(live ? [ApiSecurity('streamToken')] : []),
    ApiExtension('x-required-role', role),
    ApiExtraModels(ErrorBody, FieldErrorBody),
    ApiResponse({
      status: 401,
      description: live
        ? 'No key, an unknown key, or a stream token (?token=) that is expired or tampered with'
        : 'No key or an unknown key (Authorization: Bearer <key>); stream tokens are not accepted here',
      type: ErrorBody,
      headers: WWW_AUTHENTICATE,
    }),
    ApiResponse({ status: 403, description: `The key's role may not call this route: it requires ${role} (${allowedText(role)})`, type: ErrorBody }),
  );
}

const allowedText = (role: Exclude<RouteRole, 'public'>): string =>
  ({ reporter: 'reporter or admin', reader: 'reader, auditor or admin', auditor: 'auditor or admin', admin: 'admin' })[role];
