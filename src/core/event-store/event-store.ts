// The port every log adapter implements (embedded SQLite now, KurrentDB later), checked by
// one shared contract suite (test/event-store.contract.ts).

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
  position: number;
  /** The position that identifies the append (commit) that wrote it; shared by the events of one append. */
  commit: number;
  recordedAt: string;
  prevHash: string;
  hash: string;
  json: string;
  event: Record<string, unknown>;
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
  position: number;
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
  position: number;
}

/** A live subscription: `close` stops delivery. */
export interface Subscription {
  close(): void;
}

/** Receives the events of one committed append together, in log order. */
export type CommitHandler = (events: RecordedEvent[]) => void;

export interface EventStore {
  appendToStream(stream: string, events: EventToAppend[], options?: AppendOptions): Promise<AppendResult>;
  readStream(stream: string, options?: ReadOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadOptions): Promise<RecordedEvent[]>;
  /** Catches up from `after` (a position), then follows every commit. Delivery is in log order, once each. */
  subscribe(after: number, handler: CommitHandler): Subscription;
  readEvent(id: string): Promise<RecordedEvent | null>;
  streamHead(stream: string): Promise<StreamHead | null>;
  streams(): Promise<StreamHead[]>;
  /** The greatest position in the log (0 when empty). */
  headPosition(): Promise<number>;
  close(): Promise<void>;
}
