// Domain errors; src/http/error-body.filter.ts maps them to statuses in one place.

export interface FieldError {
  field: string;
  message: string;
}

export class InvalidInput extends Error {
  constructor(readonly details: FieldError[], message = 'Invalid input') {
    super(message);
  }
}

/** A valid shape that breaks a rule: unknown source, a quote not in the text, a missing target. */
export class RuleBroken extends Error {
  constructor(readonly details: FieldError[], message = details.map((d) => `${d.field}: ${d.message}`).join('; ')) {
    super(message);
  }
}

export class NotFound extends Error {}

export class RevisionConflict extends Error {
  constructor(readonly stream: string, readonly expected: number, readonly actual: number, message?: string) {
    super(message ?? `Stream ${stream} is at revision ${actual}, not the expected ${expected}`);
  }
}

export class IdempotencyConflict extends Error {
  constructor(readonly eventId: string, message = `Event ${eventId} was already stored with a different body`) {
    super(message);
  }
}

export class TooLarge extends Error {}

/** Events handed to `importAppend` that do not hash to their `hash` or do not chain to the stream's head. */
export class InvalidChain extends Error {
  constructor(readonly stream: string, readonly revision: number, reason: string) {
    super(`Stream ${stream} revision ${revision}: ${reason}`);
  }
}

export class NotCaughtUp extends Error {}
