import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Role, isRole } from './roles';

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * The configured API keys, kept as SHA-256 digests. A presented key is hashed too and compared with
 * every configured digest by timingSafeEqual, with no early exit, so the time taken tells nothing
 * about which key (or which prefix of a key) came close.
 */
export class ApiKeys {
  private readonly digests: Array<{ digest: Buffer; role: Role }>;

  constructor(keys: ReadonlyArray<{ key: string; role: string }>) {
    this.digests = keys.map(({ key, role }) => {
      if (!isRole(role)) throw new Error(`API_KEYS: unknown role "${role}"`);
      return { digest: sha256(key), role };
    });
  }

  /** Open local mode: no key configured, nothing checked. */
  get open(): boolean {
    return this.digests.length === 0;
  }

  /** The role of the key, or null when it is not a configured key. */
  roleOf(key: string): Role | null {
    const presented = sha256(key);
    let found: Role | null = null;
    for (const { digest, role } of this.digests) {
      const same = timingSafeEqual(presented, digest);
      // No branch on a match that could end the loop early: every digest is compared.
      found = same && found === null ? role : found;
    }
    return found;
  }
}

/**
 * Short-lived tokens for the live streams (EventSource cannot send headers): `<payload>.<mac>`, both
 * base64url, the payload `{ role, exp }` (exp in ms since the epoch) and the mac its HMAC-SHA256 under a
 * secret made at start (so a restart voids every token). Checked in constant time.
 */
export class StreamTokens {
  private readonly secret = randomBytes(32);

  constructor(readonly lifetimeMs: number, private readonly now: () => number = Date.now) {}

  issue(role: Role): { token: string; expiresAt: string } {
    const exp = this.now() + this.lifetimeMs;
    const payload = Buffer.from(JSON.stringify({ role, exp, n: randomBytes(8).toString('base64url') }), 'utf8').toString('base64url');
    return { token: `${payload}.${this.mac(payload).toString('base64url')}`, expiresAt: new Date(exp).toISOString() };
  }

  /** The role the token carries, or why it is refused. */
  check(token: string): { role: Role } | { refused: string } {
    const dot = token.indexOf('.');
    if (dot <= 0) return { refused: 'The stream token is malformed' };
    const payload = token.slice(0, dot);
    // The MAC is compared as written (base64url text), so no other spelling of the same bytes passes.
    const given = Buffer.from(token.slice(dot + 1), 'utf8');
    const expected = Buffer.from(this.mac(payload).toString('base64url'), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { refused: 'The stream token is not valid' };
    let claims: { role?: unknown; exp?: unknown };
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return { refused: 'The stream token is malformed' };
    }
    if (typeof claims.role !== 'string' || !isRole(claims.role) || typeof claims.exp !== 'number') return { refused: 'The stream token is malformed' };
    if (claims.exp <= this.now()) return { refused: 'The stream token has expired' };
    return { role: claims.role };
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.secret).update(payload, 'utf8').digest();
  }
}
