import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** An incoming X-Request-Id is kept when it is short and plain (a UUID, a trace id); anything else is replaced. */
const SANE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The request's id: the caller's X-Request-Id if sane, else a new UUID; echoed in the response's X-Request-Id. */
export function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/** Query parameters whose values are secrets (stream tokens, keys): never written to the log. */
const SECRET_PARAMS = /([?&](?:token|access_token|api[_-]?key|key|secret|password|auth|authorization)=)[^&#]*/gi;
const MAX_URL = 2048;

/** The URL as logged: secret query values replaced by [REDACTED], cut at 2 KiB. */
export function loggedUrl(url: string): string {
  const redacted = url.replace(SECRET_PARAMS, '$1[REDACTED]');
  return redacted.length > MAX_URL ? `${redacted.slice(0, MAX_URL)}…` : redacted;
}

/**
 * The level of a request's line: a 5xx other than 503 is an error; a 503 (not ready, shutting down,
 * not caught up) and a 429 are warnings; other 4xx are expected answers, info like any success.
 */
export function levelOf(status: number): 'error' | 'warn' | 'info' {
  if (status >= 500 && status !== 503) return 'error';
  if (status === 503 || status === 429) return 'warn';
  return 'info';
}
