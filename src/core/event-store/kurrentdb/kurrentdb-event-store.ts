import {
  BACKWARDS, END, KurrentDBClient, MaxAppendSizeExceededError, NO_STREAM, ResolvedEvent, StreamNotFoundError, streamNameFilter,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { randomUUID } from 'node:crypto';
import { IdempotencyConflict, InvalidChain, RevisionConflict, TooLarge } from '../../errors';
import { canonical, contentOf, sha256 } from '../chain';
import {
  AppendedEvent, AppendOptions, AppendResult, EventStore, EventToAppend, ImportOutcome, ReadOptions, RecordedEvent, StreamHead,
  Subscription, SubscriptionHandler,
} from '../event-store';
import { checkImportedAppend } from '../imported-append';
import { Position, START } from '../position';
import { indexEntryOf, proposedEvent, recordedOf, serverPosition, serverPositionOf } from './kurrentdb-records';
import { KurrentDbSubscription } from './kurrentdb-subscription';
import { emptyStream, StreamIndex, StreamState } from './stream-index';

export interface KurrentDbOptions {
  /** The ledger's streams, as a regular expression on stream names: `$all` reads and subscriptions are filtered to them on the server. */
  streams: string;
  /** Ledger ids kept in memory to decide appends (streams beyond it are read again when next written). */
  indexedIds?: number;
  now?: () => Date;
}

/** The ledger's own streams, by their exact names: the sources, the incidents, and each incident's events. */
export const LEDGER_STREAMS = '^(sources|incidents|incident-.+)$';

/** Events read from the server per page when the ledger's events are picked out of them. */
const SERVER_PAGE = 1000;

/** Attempts at one append when other writers keep moving the stream (each one re-reads only what it missed). */
const ATTEMPTS = 8;

/**
 * The event store port on KurrentDB through its official client (docs/kurrentdb.md,
 * docs/adr/0001-event-store-port.md). Each stream is a KurrentDB stream; every append is
 * conditioned on the revision the adapter last knew (`streamState`), so the server's
 * wrong-expected-version answer is how the adapter learns another writer was first. The ledger's
 * idempotency (same id and body: the first answer; same id, other body: IdempotencyConflict) is
 * decided by the adapter from the stream's ids, not by KurrentDB's own id window.
 */
export class KurrentDbEventStore implements EventStore {
  private readonly client: KurrentDBClient;
  private readonly index: StreamIndex;
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly subscriptions = new Set<KurrentDbSubscription>();
  private readonly now: () => Date;

  constructor(url: string, private readonly options: KurrentDbOptions) {
    this.client = KurrentDBClient.connectionString(url);
    this.index = new StreamIndex(options.indexedIds ?? 1_000_000);
    this.now = options.now ?? (() => new Date());
  }

  private filter() {
    return streamNameFilter({ regex: this.options.streams });
  }

  /** One decision at a time per stream within this process (other processes are met by the server's check). */
  private serially<T>(stream: string, work: () => Promise<T>): Promise<T> {
    const before = this.queues.get(stream) ?? Promise.resolve();
    const run = before.then(work, work);
    const settled = run.then(() => undefined, () => undefined);
    this.queues.set(stream, settled);
    void settled.then(() => {
      if (this.queues.get(stream) === settled) this.queues.delete(stream);
    });
    return run;
  }

  appendToStream(stream: string, events: EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    const seen = new Set<string>();
    for (const e of events) {
      if (seen.has(e.id)) return Promise.reject(new IdempotencyConflict(e.id));
      seen.add(e.id);
    }
    return this.serially(stream, () => this.append(stream, events, options));
  }

  private async append(stream: string, events: EventToAppend[], options: AppendOptions): Promise<AppendResult> {
    let state = await this.stateOf(stream);
    for (let attempt = 1; ; attempt++) {
      const stored = events.map((e) => state.ids.get(e.id));
      const existing = await this.existing(stream, events, stored);
      const fresh = events.flatMap((event, index) => (stored[index] === undefined ? [{ index, event }] : []));
      if (fresh.length === 0) {
        const last = existing.reduce((a, b) => (b.revision > a.revision ? b : a), existing[0]);
        return { events: existing, revision: last?.revision ?? -1, position: last?.position ?? START, written: false };
      }
      if (options.expectedRevision !== undefined && options.expectedRevision !== state.revision && attempt === 1) {
        state = await this.refresh(stream, state); // another process may have moved it: decide on what the server holds
        continue;
      }
      if (options.expectedRevision !== undefined && options.expectedRevision !== state.revision) {
        throw new RevisionConflict(stream, options.expectedRevision, state.revision);
      }
      const append = { id: randomUUID(), count: fresh.length };
      const recordedAt = this.now().toISOString();
      let prevHash = state.hash;
      const written = fresh.map(({ index, event }, i) => {
        const revision = state.revision + 1 + i;
        const json = canonical({ ...event.body, id: event.id, type: event.type, revision, recordedAt, prevHash });
        const hash = sha256(json);
        prevHash = hash;
        return { index, id: event.id, type: event.type, revision, json, hash, append: { ...append, index: i } };
      });
      const outcome = await this.write(stream, state, written);
      if (outcome === 'conflict') {
        if (attempt >= ATTEMPTS) throw contention(stream, state.revision);
        state = await this.refresh(stream, state);
        continue;
      }
      const readBack = await this.readStream(stream, { after: state.revision, limit: written.length });
      if (readBack.length !== written.length || readBack.some((e, i) => e.hash !== written[i].hash || e.append.id !== append.id)) {
        // KurrentDB answered a resend of events another writer stored first (its own id check): decide again on what it holds.
        state = await this.refresh(stream, state);
        continue;
      }
      this.index.grew(stream, state, written);
      const answered = existing.slice();
      readBack.forEach((e, i) => (answered[written[i].index] = { ...e, existing: false }));
      const last = readBack[readBack.length - 1];
      return { events: answered, revision: last.revision, position: last.position, written: true };
    }
  }

  /** The stored events for ids the stream already holds: the first answer, or IdempotencyConflict for another body. */
  private async existing(stream: string, events: EventToAppend[], stored: Array<number | undefined>): Promise<AppendedEvent[]> {
    const answered: AppendedEvent[] = [];
    const revisions = stored.filter((r): r is number => r !== undefined);
    if (revisions.length === 0) return answered;
    const byRevision = await this.eventsAt(stream, revisions);
    events.forEach((event, index) => {
      const revision = stored[index];
      if (revision === undefined) return;
      const e = byRevision.get(revision);
      if (!e || contentOf(e.event) !== canonical({ ...event.body, id: event.id, type: event.type })) throw new IdempotencyConflict(event.id);
      answered[index] = { ...e, existing: true };
    });
    return answered;
  }

  /** The events at these revisions of a stream, in as few reads as their spread allows. */
  private async eventsAt(stream: string, revisions: number[]): Promise<Map<number, RecordedEvent>> {
    const sorted = [...new Set(revisions)].sort((a, b) => a - b);
    const found = new Map<number, RecordedEvent>();
    let i = 0;
    while (i < sorted.length) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1] - sorted[j] <= 16) j++;
      for (const e of await this.readStream(stream, { after: sorted[i] - 1, limit: sorted[j] - sorted[i] + 1 })) found.set(e.revision, e);
      i = j + 1;
    }
    return found;
  }

  /** Writes events at the revision after `state`'s; 'conflict' when the server's stream is elsewhere. */
  private async write(
    stream: string, state: StreamState, events: Array<{ id: string; type: string; json: string; hash: string; append: RecordedEvent['append'] }>,
  ): Promise<'written' | 'conflict'> {
    try {
      await this.client.appendToStream(
        stream,
        events.map((e) => proposedEvent(stream, e, e.append)),
        { streamState: state.revision === -1 ? NO_STREAM : BigInt(state.revision) },
      );
      return 'written';
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return 'conflict';
      if (error instanceof MaxAppendSizeExceededError) {
        const bytes = events.reduce((n, e) => n + Buffer.byteLength(e.json) + 200, 0);
        throw new TooLarge(`This append's stored form (about ${bytes} bytes) exceeds the KurrentDB server's MaxAppendSize of ${error.maxAppendSize} bytes: send it in smaller batches`);
      }
      throw error;
    }
  }

  /** The stream's state: from memory, or read whole from the server the first time it is written. */
  private async stateOf(stream: string): Promise<StreamState> {
    const known = this.index.get(stream);
    if (known) return known;
    const state = await this.refresh(stream, emptyStream());
    this.index.set(stream, state);
    return state;
  }

  /**
   * Brings `state` up to what the server holds, reading only the events after its revision. An event
   * the ledger did not write (no ledger metadata) stops it: the stream's chain cannot go on past it.
   */
  private async refresh(stream: string, state: StreamState): Promise<StreamState> {
    for (;;) {
      const raw = await this.readRaw(stream, state.revision, 4096);
      const page = raw.map((resolved) => {
        const e = indexEntryOf(resolved);
        if (!e) throw new InvalidChain(stream, Number(resolved.event?.revision ?? -1), 'holds an event the ledger did not write (no ledger metadata): no append can follow it');
        return e;
      });
      this.index.grew(stream, state, page);
      if (raw.length < 4096) return state;
    }
  }

  /** A stream's events after a revision, as the server has them. */
  private async readRaw(stream: string, after: number, limit: number): Promise<ResolvedEvent[]> {
    const events: ResolvedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(stream, { fromRevision: BigInt(after + 1), maxCount: limit })) events.push(resolved);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  importAppend(stream: string, events: RecordedEvent[]): Promise<ImportOutcome> {
    return this.serially(stream, async () => {
      let state = await this.stateOf(stream);
      for (let attempt = 1; ; attempt++) {
        const first = events[0]?.revision ?? state.revision + 1;
        if (state.revision >= first) {
          const held = await this.eventsAt(stream, events.map((e) => e.revision));
          if (events.every((e) => held.get(e.revision)?.hash === e.hash)) return 'present';
          throw new InvalidChain(stream, first, 'the stream already holds other events at these revisions');
        }
        if (state.revision !== first - 1) {
          if (attempt === 1) {
            state = await this.refresh(stream, state);
            continue;
          }
          throw new RevisionConflict(stream, first - 1, state.revision);
        }
        checkImportedAppend(stream, events, state.revision, state.hash);
        if ((await this.write(stream, state, events)) === 'written') {
          this.index.grew(stream, state, events);
          return 'written';
        }
        if (attempt >= ATTEMPTS) throw contention(stream, state.revision);
        state = await this.refresh(stream, state);
      }
    });
  }

  async readStream(stream: string, options: ReadOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
    if (limit <= 0) return [];
    return (await this.readRaw(stream, options.after ?? -1, limit)).flatMap((resolved) => recordedOf(resolved) ?? []);
  }

  async readAll(options: ReadOptions = {}): Promise<RecordedEvent[]> {
    const upTo = options.upTo ?? Number.MAX_SAFE_INTEGER;
    const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
    const events: RecordedEvent[] = [];
    let after = options.after ?? START;
    // Server pages until `limit` of the ledger's events are gathered or the log ends: events in the
    // ledger's streams that it did not write are passed over, never mistaken for the end of the log.
    while (events.length < limit && after < upTo) {
      const page = Math.min(limit - events.length, SERVER_PAGE) + 1;
      let read = 0;
      let last = after;
      // A read from a position includes the event at it: that one is skipped.
      for await (const resolved of this.client.readAll({ fromPosition: serverPosition(after), maxCount: page, filter: this.filter() })) {
        read += 1;
        const position = serverPositionOf(resolved as ResolvedEvent);
        if (position === null || position <= after) continue;
        last = position;
        if (position > upTo) break;
        const e = recordedOf(resolved as ResolvedEvent);
        if (e) events.push(e);
        if (events.length >= limit) break;
      }
      if (read < page || last === after || last > upTo) break;
      after = last;
    }
    return events;
  }

  subscribe(after: Position, handler: SubscriptionHandler): Subscription {
    const server = this.client.subscribeToAll({ fromPosition: serverPosition(after), filter: this.filter() });
    const subscription = new KurrentDbSubscription(server, after, this.headPosition(), handler, (s) => this.subscriptions.delete(s));
    this.subscriptions.add(subscription);
    return subscription;
  }

  async streamHead(stream: string): Promise<StreamHead | null> {
    try {
      for await (const resolved of this.client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) {
        const e = recordedOf(resolved);
        if (e) return { stream, revision: e.revision, hash: e.hash, position: e.position };
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return null;
      throw error;
    }
    return null;
  }

  /** The position of the ledger's last event (events in its streams that it did not write are passed over). */
  async headPosition(): Promise<Position> {
    const page = 16;
    let from: ReturnType<typeof serverPosition> | typeof END = END;
    for (;;) {
      let read = 0;
      let last: Position | null = null;
      // Backwards from a position: the events before it.
      for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: page, filter: this.filter() })) {
        read += 1;
        if (recordedOf(resolved as ResolvedEvent)) return serverPositionOf(resolved as ResolvedEvent) ?? START;
        last = serverPositionOf(resolved as ResolvedEvent);
      }
      if (read < page || last === null) return START;
      from = serverPosition(last);
    }
  }

  async close(): Promise<void> {
    for (const s of [...this.subscriptions]) s.close();
    await this.client.dispose();
  }
}

/** Other writers kept moving the stream through every attempt. */
const contention = (stream: string, revision: number): RevisionConflict =>
  new RevisionConflict(stream, revision, revision, `Stream ${stream} kept moving (last seen at revision ${revision}) while ${ATTEMPTS} attempts to append were made: try again`);
