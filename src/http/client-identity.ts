import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { ApiKeys } from '../access/keys';

/**
 * Who a request counts against, for the rate limit and the open live streams: the API key, when a
 * configured one is given (as `key:` and a hash of it, so no key is ever kept or logged), else the
 * client's IP (`ip:`). An unknown key counts against the IP: making up keys buys no fresh budget.
 * A stream token (`?token=`) carries a role, not a key, so it counts against the IP too.
 */
export class ClientIdentity {
  constructor(private readonly keys: ApiKeys) {}

  of(req: Request): string {
    const header = req.headers.authorization;
    const bearer = typeof header === 'string' ? /^Bearer +(\S+) *$/i.exec(header) : null;
    if (bearer !== null && !this.keys.open && this.keys.roleOf(bearer[1]) !== null) {
      return `key:${createHash('sha256').update(bearer[1], 'utf8').digest('base64url').slice(0, 22)}`;
    }
    return `ip:${clientIp(req)}`;
  }
}

/** The peer's address (Express's `req.ip`; no proxy is trusted), IPv4-mapped IPv6 written as IPv4. */
export const clientIp = (req: Request): string => {
  const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice('::ffff:'.length) : ip;
};
