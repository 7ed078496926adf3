import { Subject } from 'rxjs';
import { EventStore, RecordedEvent, Subscription } from '../event-store/event-store';
import { Position, START } from '../event-store/position';
import { PositionWaiters } from '../event-store/position-waiters';
import { canonicalId, IncidentEvent, isKnowledgeStatement } from '../events';
import { Filters, NO_FILTERS } from '../filters';
import { byLatest } from '../time';
import { FactCache } from './fact-cache';
import { asFact, Fact, factOf, partitionsOf } from './facts';
import { EventLocation, FactRow, ProjectionStore } from './projection-store';
import { AnyReadModel } from './read-model';

/** A watched view whose unfiltered answer an append changed, with the answer as JSON, made once. */
export interface ChangedView {
  model: string;
  scope: string;
  json: string;
}

/**
 * Announced once per append, after the read models hold it: its identity, position and events, and
 * which watched views' answers it changed (see `watch`).
 */
export interface AppendAnnouncement {
  append: string;
  position: Position;
  events: RecordedEvent[];
  changed: ChangedView[];
}

interface Watched {
  model: AnyReadModel;
  scope: string;
  json: string;
  watchers: number;
}

export interface ProjectorOptions {
  /** Facts kept in memory across partitions (the rest are read from disk when asked for). */
  cachedFacts?: number;
  log?: (message: string) => void;
}

interface Decoded {
  recorded: RecordedEvent;
  fact: Fact | null;
}

const FLUSH_EVENTS = 1000;
const FLUSH_MS = 100;
const REBUILD_PAGE = 5000;
/** Facts that may wait to be written before folding waits for the writer: memory stays bounded. */
const MAX_BACKLOG = 20_000;
/** How soon a dropped subscription is followed again, doubling while it keeps dropping. */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5_000;
/** How soon a save that found the disk full is tried again. */
const DISK_FULL_RETRY_MS = 250;

/**
 * Keeps the read models current from the store's subscription, from the checkpoint in its projection
 * store, in its own loop: an error stops it (logged, `failure` set, not ready) and never fails an append.
 */
export class Projector {
  readonly changes = new Subject<AppendAnnouncement>();
  /** Events folded since this projector started (a restart from a current checkpoint folds none). */
  folded = 0;
  failure: Error | null = null;
  private checkpoint: Position = START;
  private pending: FactRow[] = [];
  private pendingIds: EventLocation[] = [];
  /** The locations not yet saved, by canonical id (the first one of an id, as the store of ids keeps). */
  private readonly pendingById = new Map<string, EventLocation>();
  private flushTimer?: NodeJS.Timeout;
  private subscription?: Subscription;
  private readonly waiters = new PositionWaiters();
  private readonly cache: FactCache;
  private readonly views = new Map<string, unknown>();
  private readonly watched = new Map<string, Watched>();
  /**
   * Which log the read models were folded from: the first event's hash and position. Another log (a
   * migrated copy, another adapter) has other positions, so a checkpoint from one means nothing in the other.
   */
  private logIdentity: string | null = null;
  private closed = false;
  /** A save found the disk full: it is tried again every DISK_FULL_RETRY_MS. */
  private diskFull = false;
  private retryMs = RETRY_FIRST_MS;
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly store: EventStore,
    private readonly models: AnyReadModel[],
    private readonly projections: ProjectionStore,
    private readonly decode: (recorded: RecordedEvent) => IncidentEvent | null,
    /** Changes whenever a rule changes, so that facts kept by older rules are folded again. */
    private readonly version: string,
    private readonly options: ProjectorOptions = {},
  ) {
    this.cache = new FactCache(options.cachedFacts ?? 300_000);
    projections.onFailure((error) => this.fail(error));
  }

  /** Resumes from the checkpoint (or starts over when it is missing, stale or ahead of the log). */
  async start(): Promise<void> {
    const saved = this.projections.checkpoint();
    const [first] = await this.store.readAll({ limit: 1 });
    this.logIdentity = first ? identityOf(first) : null;
    if (saved && saved.version === this.savedVersion() && saved.position <= (await this.store.headPosition())) {
      this.checkpoint = saved.position;
    } else {
      await this.projections.clear();
    }
    this.follow();
  }

  /** Forgets every fact and folds the whole log again, page by page; `progress` is told (done, total). */
  async rebuild(progress?: (done: Position, total: Position) => void): Promise<Position> {
    this.subscription?.close();
    this.flush();
    await this.projections.clear();
    this.cache.clear();
    this.views.clear();
    this.checkpoint = START;
    this.failure = null;
    const total = await this.store.headPosition();
    for (;;) {
      const page = await this.store.readAll({ after: this.checkpoint, limit: REBUILD_PAGE });
      if (page.length === 0) break;
      if (this.checkpoint === START) this.logIdentity = identityOf(page[0]);
      // A checkpoint falls between appends, never inside one: read the rest of an append the page cut.
      for (let last = page[page.length - 1]; last.append.index < last.append.count - 1; last = page[page.length - 1]) {
        const rest = await this.store.readAll({ after: last.position, limit: last.append.count - 1 - last.append.index });
        if (rest.length === 0) break;
        page.push(...rest);
      }
      this.record(this.decodeFresh(page));
      this.flush();
      await this.projections.drain(MAX_BACKLOG);
      progress?.(this.checkpoint, total);
    }
    this.views.clear();
    this.follow();
    return this.checkpoint;
  }

  position(): Position {
    return this.checkpoint;
  }

  /** A read model's answer for a scope under some filters; the unfiltered one is kept until it changes. */
  view<V>(model: AnyReadModel, scope: string, filters: Filters = NO_FILTERS): V {
    const unfiltered = filters.asOf === null && filters.knownAt === null && filters.atPosition === null;
    const key = `${model.name}\u0000${scope}`;
    if (unfiltered && this.views.has(key)) return this.views.get(key) as V;
    const partition = model.partitionOf(scope);
    const facts = this.cache.handledBy(partition, model.name, (f) => model.canHandle(f))
      ?? this.facts(partition).filter((f) => model.canHandle(f)).sort(byLatest);
    const answer = model.view(facts, filters, scope, (partition) => this.facts(partition)) as V;
    if (unfiltered) this.views.set(key, answer);
    return answer;
  }

  /** The facts of a partition that the read models hold, in log order (a read model's view gets them in "latest" order). */
  facts(partition: string): readonly Fact[] {
    const cached = this.cache.get(partition);
    if (cached) return cached;
    this.flush();
    const facts = this.projections.partition(partition, this.checkpoint).map((json) => asFact(JSON.parse(json) as Fact));
    this.cache.set(partition, facts);
    return facts;
  }

  /** Where an event id was stored, if the read models hold it (what is not saved yet included: no save on the writer's path). */
  locate(id: string): EventLocation | null {
    return this.projections.locate(id) ?? this.pendingById.get(canonicalId(id)) ?? null;
  }

  /** Where each of these ids was stored, for those the read models hold. */
  locateAll(ids: readonly string[]): EventLocation[] {
    const saved = this.projections.locateAll(ids);
    if (this.pendingById.size === 0) return saved;
    const found = new Set(saved.map((l) => canonicalId(l.id)));
    const pending = ids.map(canonicalId).filter((id) => !found.has(id) && this.pendingById.has(id));
    return [...saved, ...[...new Set(pending)].map((id) => this.pendingById.get(id)!)];
  }

  /** Resolves once the read models reflect `position`; NotCaughtUp after `ms`. */
  waitFor(position: Position, ms = 5000): Promise<void> {
    return this.waiters.waitFor(position, () => this.checkpoint, 'read models', ms);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.subscription?.close();
    this.flush();
    this.changes.complete();
    await this.projections.close();
  }

  /** The rules' version and the log's identity, as the checkpoint keeps them. */
  private savedVersion(): string {
    return `${this.version} log:${this.logIdentity ?? 'empty'}`;
  }

  private follow(): void {
    this.subscription = this.store.subscribe(this.checkpoint, {
      append: (events) => {
        this.retryMs = RETRY_FIRST_MS;
        try {
          const waiting = this.handle(events);
          return waiting?.catch((error: unknown) => {
            this.fail(error);
            throw error;
          });
        } catch (error) {
          this.fail(error);
          throw error;
        }
      },
      // A fold or save error has stopped the projector (above). Anything else is the log going away
      // for a while (a KurrentDB node restarting, a leader changing): follow again from the checkpoint.
      dropped: (error) => {
        if (this.failure || this.closed) return;
        this.options.log?.(`The projector's subscription dropped at position ${this.checkpoint}; following again in ${this.retryMs} ms: ${String(error)}`);
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          if (!this.failure && !this.closed) this.follow();
        }, this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
      },
    });
  }

  private handle(events: RecordedEvent[]): void | Promise<void> {
    if (this.failure) throw this.failure;
    if (this.checkpoint === START) this.logIdentity = identityOf(events[0]);
    const decoded = this.decodeFresh(events);
    this.record(decoded);
    if (this.pending.length >= FLUSH_EVENTS) this.flushOrRetry();
    else this.flushTimer ??= setTimeout(() => this.flushSafely(), FLUSH_MS);
    this.waiters.reached(this.checkpoint);
    // Folding waits for the writer when too much waits to be written.
    const written = this.projections.backlog() > MAX_BACKLOG ? this.projections.drain(MAX_BACKLOG) : null;
    if (decoded.length === 0 || (!this.changes.observed && this.watched.size === 0)) return written ?? undefined;
    // The announcement waits one turn of the event loop, so the append's own answer goes out before
    // the views are computed and sent to live clients; the next append is not folded until it is done.
    const position = this.checkpoint;
    const announced = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.announce(events, decoded, position));
    return written ? Promise.all([written, announced]).then(() => undefined) : announced;
  }

  private announce(events: RecordedEvent[], decoded: Decoded[], position: Position): void {
    const changed: ChangedView[] = [];
    for (const { model, scope } of this.affected(decoded)) {
      const watch = this.watched.get(`${model.name}\u0000${scope}`);
      if (!watch) continue;
      const json = JSON.stringify(this.view(model, scope));
      if (json === watch.json) continue;
      watch.json = json;
      changed.push({ model: model.name, scope, json });
    }
    this.changes.next({ append: events[0].append.id, position, events, changed });
  }

  /**
   * Follows a view's unfiltered answer: from now on each announcement lists it when an append changed
   * it, with its new answer. Returns the answer as it stands, as JSON, and the call that stops watching.
   */
  watch(model: AnyReadModel, scope: string): { json: string; position: Position; unwatch: () => void } {
    const key = `${model.name}\u0000${scope}`;
    let watch = this.watched.get(key);
    if (!watch) {
      watch = { model, scope, json: JSON.stringify(this.view(model, scope)), watchers: 0 };
      this.watched.set(key, watch);
    }
    watch.watchers += 1;
    let stopped = false;
    const current = watch;
    return {
      json: current.json,
      position: this.checkpoint,
      unwatch: () => {
        if (stopped) return;
        stopped = true;
        current.watchers -= 1;
        if (current.watchers === 0 && this.watched.get(key) === current) this.watched.delete(key);
      },
    };
  }

  /** The views an append may change: each read model that handles one of its facts, in the scope it reads. */
  private affected(decoded: Decoded[]): Array<{ model: AnyReadModel; scope: string }> {
    const found = new Map<string, { model: AnyReadModel; scope: string }>();
    for (const { fact } of decoded) {
      if (!fact) continue;
      for (const model of this.models) {
        if (!model.canHandle(fact)) continue;
        for (const scope of [fact.incidentId, fact.source.sourceId]) {
          if (partitionsOf(fact).includes(model.partitionOf(scope))) found.set(`${model.name}\u0000${scope}`, { model, scope });
        }
      }
    }
    return [...found.values()];
  }

  /** The events past the checkpoint with their facts (null for other streams' events), all decoded before any state changes. */
  private decodeFresh(events: RecordedEvent[]): Decoded[] {
    return events.filter((e) => e.position > this.checkpoint).map((recorded) => {
      const event = this.decode(recorded);
      return { recorded, fact: event ? factOf(event) : null };
    });
  }

  /** An event that cannot be decoded has already thrown in decodeFresh: the projector stays where it was. */
  private record(decoded: Decoded[]): void {
    for (const { recorded, fact } of decoded) {
      const location = { id: recorded.id, stream: recorded.stream, revision: recorded.revision, position: recorded.position };
      this.pendingIds.push(location);
      const key = canonicalId(recorded.id);
      if (!this.pendingById.has(key)) this.pendingById.set(key, location);
      if (fact) this.keep(fact);
      this.checkpoint = recorded.position;
      this.folded += 1;
    }
  }

  private keep(fact: Fact): void {
    const partitions = partitionsOf(fact);
    this.pending.push({ position: fact.position, json: JSON.stringify(fact), partitions });
    for (const partition of partitions) this.cache.append(partition, fact, (name) => this.models.some((m) => m.name === name && m.canHandle(fact)));
    for (const model of this.models) {
      for (const scope of [fact.incidentId, fact.source.sourceId]) this.views.delete(`${model.name}\u0000${scope}`);
    }
    // A retraction or correction flags events of other sources: their ledgers are answered anew.
    if (isKnowledgeStatement(fact)) {
      for (const key of [...this.views.keys()]) if (key.startsWith('ledger\u0000')) this.views.delete(key);
    }
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.length === 0 && this.pendingIds.length === 0) return;
    this.projections.write(this.pending, this.pendingIds, { position: this.checkpoint, version: this.savedVersion() });
    this.pending = [];
    this.pendingIds = [];
    this.pendingById.clear();
  }

  private flushSafely(): void {
    try {
      this.flushOrRetry();
    } catch (error) {
      this.fail(error);
    }
  }

  /**
   * A save that finds the disk full is kept (the facts stay in memory, answered from there) and tried
   * again a little later, so that the projector goes on once space is freed; any other error throws.
   */
  private flushOrRetry(): void {
    try {
      this.flush();
      if (this.diskFull) this.options.log?.(`Projections saved again at position ${this.checkpoint}: the disk has room again`);
      this.diskFull = false;
    } catch (error) {
      if (!isDiskFull(error) || this.closed) throw error;
      if (!this.diskFull) this.options.log?.(`The disk is full: the projections are kept in memory and saved once there is room (position ${this.checkpoint}): ${String(error)}`);
      this.diskFull = true;
      if (this.flushTimer) clearTimeout(this.flushTimer);
      this.flushTimer = setTimeout(() => this.flushSafely(), DISK_FULL_RETRY_MS);
    }
  }

  private fail(error: unknown): void {
    this.failure = error instanceof Error ? error : new Error(String(error));
    this.subscription?.close();
    this.options.log?.(`Projector stopped at position ${this.checkpoint}: ${this.failure.stack ?? this.failure.message}`);
  }
}

/** SQLite's SQLITE_FULL or the system's ENOSPC. */
export const isDiskFull = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || /SQLITE_FULL|database or disk is full|ENOSPC/.test(String(error));
};

const identityOf = (first: RecordedEvent): string => `${first.hash}@${first.position}`;
