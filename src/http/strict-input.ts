import type { NextFunction, Request, Response } from 'express';
import { InvalidInput } from '../core/errors';
import { inputShapeErrors } from '../core/input-shape';

// The edge's first checks, before any route: what is refused however it is sent.

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);
const UTF8 = new TextDecoder('utf-8', { fatal: true });

class UnsupportedMediaType extends Error {
  readonly status = 415;
}

const hasBody = (req: Request): boolean =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/** 415 for a body that is not JSON; 400 for a URL whose percent-escapes are not well-formed UTF-8. */
export function requireJsonAndWellFormedUrl(req: Request, _res: Response, next: NextFunction): void {
  try {
    decodeURIComponent(req.originalUrl.replace(/\+/g, ' '));
  } catch {
    return next(new InvalidInput([{ field: '(url)', message: 'the URL holds a percent-escape that is not well-formed UTF-8' }]));
  }
  if (WITH_BODY.has(req.method) && hasBody(req)) {
    const type = req.headers['content-type'] ?? 'none';
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(type)?.[1]?.toLowerCase();
    if (!req.is('application/json') || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) {
      return next(new UnsupportedMediaType(`The body must be application/json in UTF-8; it was sent as ${type}`));
    }
  }
  next();
}

/** The JSON parser's verify hook: bytes that are not UTF-8 are refused, never replaced. */
export function verifyUtf8(_req: Request, _res: Response, body: Buffer): void {
  try {
    UTF8.decode(body);
  } catch {
    throw Object.assign(new InvalidInput([{ field: '(body)', message: 'the body is not well-formed UTF-8' }]), { status: 400 });
  }
}

/** After parsing: no forbidden key, no lone surrogate, no nesting deeper than the catalogue, anywhere. */
export function refuseHostileShapes(req: Request, _res: Response, next: NextFunction): void {
  // No route takes a top-level array: a batch is { events: [...] }.
  const errors = req.body === undefined ? [] : Array.isArray(req.body)
    ? [{ field: '(body)', message: 'the body must be a JSON object, not an array' }]
    : inputShapeErrors(req.body);
  next(errors.length > 0 ? new InvalidInput(errors) : undefined);
}
