import { json } from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { Socket } from 'node:net';
import { verifyUtf8 } from './strict-input';

/** API.md: a body over 1 MiB is 413. */
export const BODY_LIMIT = 2 ** 20;

/** How long a refused client has to read its 413 while what it still sends is read and dropped. */
const LINGER_MS = 2_000;

const TOO_LARGE = {
  statusCode: 413,
  error: 'Payload Too Large',
  message: `The body is over the 1 MiB limit (${BODY_LIMIT} bytes); nothing was stored`,
  details: [{ field: '(body)', message: `the body must be at most ${BODY_LIMIT} bytes` }],
};

/**
 * Answers 413 at once and closes the connection. Node would close it as soon as the answer is written,
 * and closing a socket that still has unread bytes makes the kernel reset the connection, which can
 * make a client lose the answer it was sent; so the connection is half-closed (our side done) and what
 * the client still sends is read and dropped for a short grace (2 s, or 1 MiB more), never kept, then
 * the socket goes.
 */
function refuse(req: Request, res: Response): void {
  if (res.headersSent) return void req.socket.destroy();
  const socket = req.socket as Socket & { destroySoon?: () => void };
  socket.destroySoon = function lingeringClose(this: Socket) {
    if (this.writable) this.end();
    let dropped = 0;
    this.on('data', (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > BODY_LIMIT) this.destroy();
    });
    this.resume();
    setTimeout(() => this.destroy(), LINGER_MS).unref();
  };
  res.status(413).setHeader('Connection', 'close');
  res.json(TOO_LARGE);
}

const parseJson = json({ limit: BODY_LIMIT, verify: verifyUtf8 });

/** Before anything else looks at a request: a declared Content-Length over the limit is 413 at once, unread. */
export function refuseDeclaredTooLarge(req: Request, res: Response, next: NextFunction): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > BODY_LIMIT) return refuse(req, res);
  next();
}

/**
 * The JSON body parser (express.json, 1 MiB), behind a cut-off: a declared Content-Length over the
 * limit is answered 413 before a byte of the body is read; a body of unknown length (chunked, or a
 * Content-Length that the bytes outrun, which HTTP reads as a next request) is counted as it arrives
 * and answered 413 the moment it passes 1 MiB. express.json alone also stops keeping bytes at the
 * limit, but reads the whole rest of the body before it answers, however large it is.
 *
 * The function is named `jsonParser` so that Nest does not add its own JSON parser behind it.
 */
export function jsonParser(req: Request, res: Response, next: NextFunction): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > BODY_LIMIT) return refuse(req, res);
  const before = req.listenerCount('data');
  parseJson(req, res, next);
  // The parser reads the request itself (it attached to 'data' just now): count alongside it.
  if (req.listenerCount('data') > before && !req.readableEnded) {
    let seen = 0;
    const count = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > BODY_LIMIT) {
        req.off('data', count);
        refuse(req, res);
      }
    };
    req.on('data', count);
  }
}
