import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import { InvalidInput } from '../core/errors';

/**
 * API.md refuses unknown fields, query parameters included; no write (POST) declares a query
 * parameter, so any is refused with 400 naming it, instead of being silently ignored while the write
 * goes through. An interceptor, so that it runs after the access guard: a caller with no key still
 * learns 401 first.
 */
@Injectable()
export class NoQueryOnWrites implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const req = context.switchToHttp().getRequest<Request>();
      const names = req.method === 'POST' ? Object.keys(req.query ?? {}) : [];
      if (names.length > 0) {
        throw new InvalidInput(names.map((field) => ({ field, message: `${req.method} ${req.route?.path ?? req.path} takes no query parameter` })));
      }
    }
    return next.handle();
  }
}
