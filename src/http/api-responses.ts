import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

// The OpenAPI side of the error contract (API.md "Errors"): every error status a route can answer is
// declared with one schema, so a validating proxy finds nothing undeclared. The body itself is made
// by error-body.filter.ts.

/** One field that failed, and why. */
export class FieldErrorBody {
  @ApiProperty({ description: 'A dotted path, such as events.3.data.figure.low; (body), (url) or a header name when not a field', example: 'events.3.data.figure.low' })
  field: string;
  @ApiProperty({ example: 'low must not exceed best' })
  message: string;
}

/** Every error: `{ statusCode, error, message, details? }`. */
export class ErrorBody {
  @ApiProperty({ type: 'integer', example: 400 })
  statusCode: number;
  @ApiProperty({ description: 'The status reason phrase', example: 'Bad Request' })
  error: string;
  @ApiProperty({ example: 'events.3.data.figure.low: low must not exceed best' })
  message: string;
  @ApiPropertyOptional({ type: () => [FieldErrorBody], description: 'Each field that failed and why' })
  details?: FieldErrorBody[];
}

export type ErrorStatus = 400 | 404 | 409 | 413 | 415 | 422 | 500 | 503;

/** What each error status means, said once; a route may say more with [status, description]. */
const MEANING: Record<ErrorStatus, string> = {
  400: 'Malformed or invalid input: a body, path or query parameter that fails validation, malformed JSON, a URL that is not well-formed UTF-8',
  404: 'Unknown incident, source or event',
  409: 'Concurrency or idempotency conflict: the same id with another body, or If-Match / expectedRevision not the current revision',
  413: 'The body is over 1 MiB, or a batch holds more than 1,000 events or exceeds the store\'s append limit',
  415: 'The body is not application/json',
  422: 'A valid shape that breaks a rule: unknown sourceId, a quote not in the source text, a retraction or correction of an event that does not exist',
  500: 'Unexpected failure',
  503: 'Not ready: minPosition not reached within 5 seconds, or the store or projections not ready',
};

/** Declares each error status with the ErrorBody schema: `@Answers(400, 404, [503, 'minPosition not reached'], 500)`. */
export const Answers = (...statuses: Array<ErrorStatus | [ErrorStatus, string]>): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ApiExtraModels(ErrorBody, FieldErrorBody),
    ...statuses.map((entry) => {
      const [status, description] = Array.isArray(entry) ? entry : [entry, MEANING[entry]];
      return ApiResponse({ status, description, type: ErrorBody });
    }),
  );

/** A response header that carries the resource's version; `If-None-Match` with it answers 304. */
export const ETAG_HEADER = (description = 'The representation\'s entity tag', required = false) => ({
  ETag: { description, required, schema: { type: 'string' as const } },
});

/**
 * 304 with no body: a GET whose `If-None-Match` matches the ETag (Express compares the entity tag it
 * sends, its own weak one or the revision a route sets). Clients that send `Cache-Control: no-cache`
 * always get the 200.
 */
export const NotModified = (): MethodDecorator & ClassDecorator =>
  ApiResponse({ status: 304, description: 'Not Modified: If-None-Match matched the current ETag; no body', headers: ETAG_HEADER() });
