/**
 * The in-memory log: one `$all` sequence of records, and per-stream views of it.
 *
 * Positions imitate a transaction file: every record's position is a byte offset
 * (prepare position), the commit position equals it (KurrentDB writes implicitly
 * committed prepares and reports TFPos(prepare, prepare) for each event), positions
 * start above 0 and advance by a record size, so they have gaps and never repeat.
 */
export interface StoredEvent {
  stream: string;
  revision: bigint;
  /** Byte-offset-like `$all` position; commit == prepare. */
  position: bigint;
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
  /** .NET ticks since the Unix epoch. */
  created: bigint;
}

export interface ProposedEvent {
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
}

export type ExpectedState =
  | { kind: 'any' }
  | { kind: 'no_stream' }
  | { kind: 'stream_exists' }
  | { kind: 'revision'; revision: bigint };

export type AppendOutcome =
  | {
      ok: true;
      /** Revision of the stream's last event after the append, or undefined (still no stream). */
      currentRevision: bigint | undefined;
      /** Position of the last event of this append (or of the events it matched idempotently). */
      position: bigint | undefined;
    }
  | { ok: false; currentRevision: bigint | undefined };

/** Where the first record lands: past a (pretend) chunk header, never 0. */
const FIRST_POSITION = 1_000n;
/** Fixed part of a record's size (record header, flags, ids, timestamps). */
const RECORD_OVERHEAD = 96;

function recordSize(event: ProposedEvent, stream: string): bigint {
  const text = Buffer.byteLength(stream, 'utf8') + Buffer.byteLength(event.type, 'utf8');
  return BigInt(RECORD_OVERHEAD + text + event.data.length + event.metadata.length);
}

export class EventLog {
  /** Every record, in `$all` order. */
  readonly all: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private nextPosition = FIRST_POSITION;
  private readonly listeners = new Set<() => void>();

  stream(name: string): readonly StoredEvent[] | undefined {
    return this.streams.get(name);
  }

  currentRevision(name: string): bigint | undefined {
    const events = this.streams.get(name);
    return events && events.length > 0 ? events[events.length - 1].revision : undefined;
  }

  /** Called after every write that added records (subscriptions pull from the log themselves). */
  onAppended(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Atomic: either every proposed event is written, contiguously in `$all`, or none. */
  append(stream: string, expected: ExpectedState, proposed: ProposedEvent[], created = BigInt(Date.now()) * 10_000n): AppendOutcome {
    const current = this.currentRevision(stream);
    const existing = this.streams.get(stream) ?? [];

    const idempotent = this.idempotentMatch(existing, expected, proposed);
    if (idempotent) return idempotent;

    const matches =
      expected.kind === 'any' ||
      (expected.kind === 'no_stream' && current === undefined) ||
      (expected.kind === 'stream_exists' && current !== undefined) ||
      (expected.kind === 'revision' && current === expected.revision);
    if (!matches) return { ok: false, currentRevision: current };

    if (proposed.length === 0) return { ok: true, currentRevision: current, position: undefined };

    let revision = current === undefined ? 0n : current + 1n;
    const written: StoredEvent[] = [];
    for (const event of proposed) {
      const record: StoredEvent = { stream, revision, position: this.nextPosition, created, ...event };
      this.nextPosition += recordSize(event, stream);
      revision += 1n;
      written.push(record);
    }
    this.all.push(...written);
    if (!this.streams.has(stream)) this.streams.set(stream, existing);
    existing.push(...written);
    for (const listener of [...this.listeners]) listener();
    const last = written[written.length - 1];
    return { ok: true, currentRevision: last.revision, position: last.position };
  }

  /**
   * KurrentDB's documented id-based idempotency, only in its simplest form: events proposed
   * at an expected revision (or no_stream) whose ids equal those already stored right after
   * that revision are acknowledged without being written again.
   */
  private idempotentMatch(existing: StoredEvent[], expected: ExpectedState, proposed: ProposedEvent[]): AppendOutcome | undefined {
    if (proposed.length === 0) return undefined;
    let first: number;
    if (expected.kind === 'no_stream') first = 0;
    else if (expected.kind === 'revision') first = Number(expected.revision) + 1;
    else return undefined;
    if (existing.length === first) return undefined; // nothing stored after it: an ordinary append
    const stored = existing.slice(first, first + proposed.length);
    if (stored.length !== proposed.length) return undefined;
    if (!stored.every((event, i) => event.id === proposed[i].id)) return undefined;
    const last = stored[stored.length - 1];
    return { ok: true, currentRevision: last.revision, position: last.position };
  }
}
