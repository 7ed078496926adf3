// The port every log adapter implements (embedded SQLite now, KurrentDB later), checked by
// one shared contract suite (test/event-store.contract.ts). Why it has this shape, and how KurrentDB
// provides each method: docs/adr/0001-event-store-port.md.
import { Position } from './position';

export const GENESIS_HASH = '0'.repeat(64);

/** An event handed to the store: its identity, its type and the rest of its stored body. */
export interface EventToAppend {
  id: string;
  type: string;
  body: Record<string, unknown>;
}

/**
 * A stored event. `json` is the canonical JSON that was hashed (the event without `hash` and
 * `position`, `prevHash` included), exactly as it was written; `event` is it parsed.
 */
export interface RecordedEvent {
  id: string;
  type: string;
  stream: string;
  revision: number;
  position: Position;
  /** The append request that wrote it: its identity, this event's place in it, and how many it had. */
  append: AppendIdentity;
  recordedAt: string;
  prevHash: string;
  hash: string;
  json: string;
  event: Record<string, unknown>;
}

export interface AppendIdentity {
  id: string;
  index: number;
  count: number;
}

export interface AppendedEvent extends RecordedEvent {
  /** true when the same id and body were stored before: nothing was written for it. */
  existing: boolean;
}

export interface AppendResult {
  events: AppendedEvent[];
  /** The stream's last revision after the append (or the greatest revision of the events when all existed). */
  revision: number;
  /** The log position of the last event written, or of the greatest existing one. */
  position: Position;
  /** true when anything new was written. */
  written: boolean;
}

export interface AppendOptions {
  /** The revision the stream must be at (-1: empty). Absent: append at whatever the current one is. */
  expectedRevision?: number;
}

export interface ReadOptions {
  /** Events after this revision (readStream) or position (readAll). */
  after?: number;
  limit?: number;
  /** readAll only: stop after this position. */
  upTo?: number;
}

export interface StreamHead {
  stream: string;
  revision: number;
  hash: string;
  position: Position;
}

/** A subscription: `close` stops delivery. */
export interface Subscription {
  close(): void;
}

/** What a subscriber is told, one call at a time, never on the appender's call stack. */
export interface SubscriptionHandler {
  /** The events of one complete append, in position order; the next call waits for the returned promise. */
  append(events: RecordedEvent[]): void | Promise<void>;
  /** Once, when the catch-up has reached the head of the log; live appends follow. */
  caughtUp?(): void;
  /** The subscription stopped (a handler error, or the store went away): resubscribe from the last handled position. */
  dropped?(error: unknown): void;
}

/** What `importAppend` did: wrote the append, or found it already there (a resumed copy). */
export type ImportOutcome = 'written' | 'present';

export interface EventStore {
  /** Atomic; idempotent by event id within the stream (same body: existing; another body: IdempotencyConflict). */
  appendToStream(stream: string, events: EventToAppend[], options?: AppendOptions): Promise<AppendResult>;
  /**
   * Copies one whole append recorded by another store, exactly: the same canonical JSON, hash,
   * revisions and append identity, at this store's next positions (migration between adapters).
   * The events must be one append of `stream`, at consecutive revisions from the stream's next one,
   * each hashing to its `hash` and chained to the stream's head (else InvalidChain, nothing stored).
   * When the stream already holds these events with these hashes it answers 'present' and writes
   * nothing; when it is elsewhere it is a RevisionConflict.
   */
  importAppend(stream: string, events: RecordedEvent[]): Promise<ImportOutcome>;
  readStream(stream: string, options?: ReadOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadOptions): Promise<RecordedEvent[]>;
  /** Catches up from `after`, then follows every append, in log order, each once. */
  subscribe(after: Position, handler: SubscriptionHandler): Subscription;
  streamHead(stream: string): Promise<StreamHead | null>;
  /** The greatest position in the log (START when empty). */
  headPosition(): Promise<Position>;
  close(): Promise<void>;
}
