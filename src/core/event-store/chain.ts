import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

// The hash chain of EVENTS.md: each event's hash is the SHA-256 of the RFC 8785 canonical JSON
// of the stored event without `hash` and `position`, `prevHash` included.

export const canonical = (value: unknown): string => {
  const json = canonicalize(value);
  if (json === undefined) throw new TypeError('Cannot canonicalize an undefined value');
  return json;
};

export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Canonical JSON of what was sent (for idempotency): the stored event without the store's fields. */
export const contentOf = (stored: Record<string, unknown>): string => {
  const { revision: _r, recordedAt: _t, prevHash: _p, hash: _h, position: _pos, ...content } = stored;
  return canonical(content);
};
