// An auditor's check of the hash chain, independent of the project's `canonical` (and of the
// `canonicalize` library it wraps): a small RFC 8785 canonicaliser written from the RFC, and
// node's SHA-256. It is itself checked against vectors computed in Python (src/core/event-store/chain.unit.spec.ts).
import { createHash } from 'node:crypto';

/**
 * RFC 8785: literals and numbers as ECMAScript serialises them (3.2.2.1, 3.2.2.3); strings with only
 * '"', '\' and U+0000..U+001F escaped (3.2.2.2, which is ECMAScript's JSON.stringify of a string);
 * object members sorted by their names as UTF-16 code units (3.2.3), which is what comparing two JS
 * strings with < does; no whitespace.
 */
export const jcs = (value: unknown): string => {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`RFC 8785 has no ${value}`);
    return String(value);
  }
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) return `[${value.map(jcs).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${quote(k)}:${jcs(v)}`).join(',')}}`;
  }
  throw new TypeError(`RFC 8785 has no ${typeof value}`);
};

const SHORT: Record<string, string> = { '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r', '"': '\\"', '\\': '\\\\' };

const quote = (s: string): string => {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    out += SHORT[ch] ?? (code < 0x20 ? `\\u${code.toString(16).padStart(4, '0')}` : ch);
  }
  return `${out}"`;
};

export const sha256Hex = (text: string): string => createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');

/**
 * What an auditor checks of `GET /events/:id?raw=true` (API.md): the body is exactly the canonical JSON of the
 * stored event (here: this canonicaliser gives the same bytes back, and there is no `hash` or `position` in it),
 * and its SHA-256 is the `X-Event-Hash` header. Answers the event, its hash and its position.
 */
export const audited = (reply: { status: number; text: string; headers: Headers }) => {
  if (reply.status !== 200) throw new Error(`raw event: ${reply.status} ${reply.text}`);
  const event = JSON.parse(reply.text) as Record<string, unknown>;
  const hash = reply.headers.get('x-event-hash');
  const position = Number(reply.headers.get('x-event-position'));
  return { event, hash, position, canonical: jcs(event) === reply.text, hashed: sha256Hex(reply.text) === hash, hasStoreFields: 'hash' in event || 'position' in event };
};
