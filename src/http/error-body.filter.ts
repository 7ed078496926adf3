import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import {
  FieldError, IdempotencyConflict, InvalidChain, InvalidInput, NotCaughtUp, NotFound, RevisionConflict, RuleBroken, TooLarge,
} from '../core/errors';

/** API.md's error body. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: FieldError[];
}

const REASONS: Record<number, string> = {
  400: 'Bad Request', 415: 'Unsupported Media Type', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 412: 'Precondition Failed',
  413: 'Payload Too Large', 422: 'Unprocessable Entity', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable', 507: 'Insufficient Storage',
};

const body = (statusCode: number, message: string, details?: FieldError[]): ErrorBody => ({
  statusCode, error: REASONS[statusCode] ?? 'Error', message, ...(details ? { details } : {}),
});

/** Maps every error, the domain's and the framework's, to one body and status, in one place. */
export function errorBody(error: unknown): ErrorBody {
  if (error instanceof InvalidInput) return body(400, summary(error.details, error.message), error.details);
  if (error instanceof RuleBroken) return body(422, error.message, error.details);
  if (error instanceof NotFound) return body(404, error.message);
  if (error instanceof RevisionConflict) {
    return body(409, error.message, [{ field: 'If-Match', message: `the incident is at revision ${error.actual}` }]);
  }
  if (error instanceof IdempotencyConflict) return body(409, error.message, [{ field: 'id', message: error.message }]);
  if (error instanceof TooLarge) return body(413, error.message);
  // A stream whose stored chain cannot go on (an event the ledger did not write sits at its head on KurrentDB).
  if (error instanceof InvalidChain) return body(409, error.message, [{ field: 'stream', message: `${error.stream} revision ${error.revision}` }]);
  if (error instanceof NotCaughtUp) return body(503, error.message);
  // The disk under DATA_DIR is full (SQLite's SQLITE_FULL, or the system's ENOSPC): nothing of the request was stored.
  const code = (error as { code?: unknown })?.code;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return body(507, 'The disk is full: nothing of this request was stored; free space where the server keeps its data (DATA_DIR) and send it again');
  }
  const parserError = error as { type?: string; status?: number; message?: string };
  if (parserError?.type === 'entity.parse.failed') {
    return body(400, `Malformed JSON: ${parserError.message}`, [{ field: '(body)', message: `the body is not valid JSON: ${parserError.message}` }]);
  }
  if (parserError?.type === 'entity.too.large') return body(413, 'The body is over the 1 MiB limit');
  if (parserError?.status === 415) return body(415, parserError.message ?? 'Unsupported media type', [{ field: 'Content-Type', message: 'the body must be application/json' }]);
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse() as string | { message?: string | string[]; error?: Record<string, Record<string, unknown>> };
    // A failed health check (terminus): name each check that is down, and why.
    if (typeof response === 'object' && response.error && typeof response.error === 'object') {
      const down = Object.entries(response.error).map(([field, { status: _s, ...why }]) => ({
        field, message: Object.entries(why).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ') || 'down',
      }));
      return body(status, `Not ready: ${down.map((d) => d.field).join(', ')}`, down);
    }
    const message = typeof response === 'string' ? response : Array.isArray(response.message) ? response.message.join('; ') : (response.message ?? error.message);
    return body(status, message);
  }
  if (typeof parserError?.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
    return body(parserError.status, parserError.message ?? 'Bad request');
  }
  return body(500, 'Internal server error');
}

const summary = (details: FieldError[], fallback: string): string =>
  details.length > 0 ? details.map((d) => `${d.field}: ${d.message}`).join('; ') : fallback;

@Catch()
export class ErrorBodyFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const answer = errorBody(error);
    // A 503 (not caught up, not ready) is expected now and then: one line, no stack.
    if (answer.statusCode === 503) this.logger.warn(answer.message);
    else if (answer.statusCode >= 500) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    if (response.headersSent) return void response.end();
    response.status(answer.statusCode).json(answer);
  }
}

