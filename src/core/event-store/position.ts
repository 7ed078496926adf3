// A log position: handed out by the store, strictly increasing per event across the log. Compared
// and written in one way everywhere (answers, checkpoints, SSE ids), whatever the adapter.

export type Position = number;

/** The position before the first event: an empty log's head, and "from the start" for a subscription. */
export const START: Position = 0;

export const comparePositions = (a: Position, b: Position): number => (a < b ? -1 : a > b ? 1 : 0);

export const formatPosition = (p: Position): string => String(p);

/** A position written by formatPosition; null for anything else (a sign, an exponent, beyond 2^53). */
export const parsePosition = (text: string): Position | null =>
  /^\d{1,16}$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : null;
