import type { NextFunction, Request, Response } from 'express';

/**
 * The bytes of a text in UTF-8. When every character is ASCII (UTF-8 length equals the text's length)
 * its Latin-1 bytes are the same bytes, and Node copies them about ten times faster than it encodes
 * UTF-8: on a 1.3 MB projection answer, 0.3 ms against 3 ms.
 */
export const utf8 = (text: string): Buffer =>
  Buffer.byteLength(text, 'utf8') === text.length ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');

/**
 * `res.json` that hands Express the encoded bytes (see utf8). Everything else is Express's: ETag,
 * 304, HEAD, Content-Length; the Content-Type is the one Express sets for JSON.
 */
export function encodeJsonFast(_req: Request, res: Response, next: NextFunction): void {
  res.json = function json(this: Response, body: unknown): Response {
    const text = JSON.stringify(body);
    if (!this.get('Content-Type')) this.set('Content-Type', 'application/json; charset=utf-8');
    return this.send(text === undefined ? text : utf8(text));
  };
  next();
}
