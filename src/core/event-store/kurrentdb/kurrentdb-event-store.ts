import {
  BACKWARDS, END, KurrentDBClient, NO_STREAM, ResolvedEvent, StreamNotFoundError, streamNameFilter, WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { randomUUID } from 'node:crypto';
import { IdempotencyConflict, InvalidChain, RevisionConflict } from '../../errors';
import { canonical, contentOf, sha256 } from '../chain';
import {
  AppendedEvent, AppendOptions, AppendResult, EventStore, EventToAppend, ImportOutcome, ReadOptions, RecordedEvent, StreamHead,
  Subscription, SubscriptionHandler,
} from '../event-store';
import { checkImportedAppend } from '../imported-append';
import { Position, START } from '../position';
import { positionOf, proposedEvent, recordedOf, serverPosition } from './kurrentdb-records';
import { KurrentDbSubscription } from './kurrentdb-subscription';
import { emptyStream, StreamIndex, StreamState } from './stream-index';

export interface KurrentDbOptions {
  /** The ledger's streams: `$all` reads and subscriptions are filtered to these prefixes on the server. */
  streamPrefixes: string[];
  /** Ledger ids kept in memory to decide appends (streams beyond it are read again when next written). */
  indexedIds?: number;
  now?: () => Date;
}

/** The ledger's own streams: the sources, the incidents, and each incident's events. */
export const LEDGER_STREAM_PREFIXES = ['sources', 'incidents', 'incident-'];

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
    this.index = new StreamIndex(options.indexedIds ?? 500_000);
    this.now = options.now ?? (() => new Date());
  }

  private filter() {
    return streamNameFilter({ prefixes: this.options.streamPrefixes });
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
        if (attempt >= ATTEMPTS) throw new RevisionConflict(stream, state.revision, state.revision);
        state = await this.refresh(stream, state);
        continue;
      }
      const readBack = await this.readStream(stream, { after: state.revision, limit: written.length });
      if (readBack.length !== written.length || readBack.some((e, i) => e.hash !== written[i].hash)) {
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

  /** Brings `state` up to what the server holds, reading only the events after its revision. */
  private async refresh(stream: string, state: StreamState): Promise<StreamState> {
    for (;;) {
      const page = await this.readStream(stream, { after: state.revision, limit: 4096 });
      this.index.grew(stream, state, page);
      if (page.length < 4096) return state;
    }
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
        if (attempt >= ATTEMPTS) throw new RevisionConflict(stream, first - 1, state.revision);
        state = await this.refresh(stream, state);
      }
    });
  }

  async readStream(stream: string, options: ReadOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
    if (limit <= 0) return [];
    const events: RecordedEvent[] = [];
    try {
      const reading = this.client.readStream(stream, { fromRevision: BigInt((options.after ?? -1) + 1), maxCount: limit });
      for await (const resolved of reading) {
        const e = recordedOf(resolved);
        if (e) events.push(e);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  async readAll(options: ReadOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? START;
    const upTo = options.upTo ?? Number.MAX_SAFE_INTEGER;
    const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
    if (limit <= 0 || upTo <= after) return [];
    const events: RecordedEvent[] = [];
    // A read from a position includes the event at it: one more than asked for, that one skipped.
    const reading = this.client.readAll({ fromPosition: serverPosition(after), maxCount: Math.min(limit + 1, Number.MAX_SAFE_INTEGER), filter: this.filter() });
    for await (const resolved of reading) {
      const e = recordedOf(resolved as ResolvedEvent);
      if (!e || e.position <= after) continue;
      if (e.position > upTo) break;
      events.push(e);
      if (events.length >= limit) break;
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

  async headPosition(): Promise<Position> {
    for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1, filter: this.filter() })) {
      if (resolved.event?.position) return positionOf(resolved.event.position.commit);
    }
    return START;
  }

  async close(): Promise<void> {
    for (const s of [...this.subscriptions]) s.close();
    await this.client.dispose();
  }
}
