import { Subject } from 'rxjs';
import { EventStore, RecordedEvent, Subscription } from '../event-store/event-store';
import { NotCaughtUp } from '../errors';
import { IncidentEvent } from '../events';
import { CheckpointStore } from './checkpoints';
import { Filters } from '../filters';
import { AnyReadModel } from './read-model';

/** One committed append as the read models saw it: the position it brought them to and what changed. */
export interface ProjectionChange {
  position: number;
  changed: Array<{ model: string; partition: string }>;
}

const SAVE_EVERY_MS = 200;
const SAVE_EVERY_EVENTS = 5000;

/**
 * Keeps every read model current from the store's subscription, from a stored checkpoint, so that a
 * restart resumes where it stopped. One projector feeds the queries and (through `changes`) live clients.
 */
export class Projector {
  readonly changes = new Subject<ProjectionChange>();
  private readonly states = new Map<string, Map<string, unknown>>();
  private readonly dirty = new Map<string, Set<string>>();
  private checkpoint = 0;
  private unsaved = 0;
  /** Events folded since this projector started (a restart from a current checkpoint folds none). */
  folded = 0;
  private subscription?: Subscription;
  private saveTimer?: NodeJS.Timeout;
  private waiters: Array<{ position: number; resolve: () => void }> = [];
  /** The unfiltered view of each partition, kept until the partition changes (what dashboards ask for). */
  private readonly currentViews = new Map<string, unknown>();

  constructor(
    private readonly store: EventStore,
    private readonly models: AnyReadModel[],
    private readonly checkpoints: CheckpointStore,
    private readonly decode: (recorded: RecordedEvent) => IncidentEvent | null,
    /** Changes whenever a rule changes, so that states folded by older rules are rebuilt. */
    private readonly version: string,
  ) {
    for (const model of models) {
      this.states.set(model.name, new Map());
      this.dirty.set(model.name, new Set());
    }
  }

  /** Loads the checkpoint (or starts over when it is missing, stale or ahead of the log) and follows the log. */
  async start(): Promise<void> {
    const saved = this.checkpoints.load();
    const head = await this.store.headPosition();
    if (saved && saved.version === this.version && saved.position <= head) {
      for (const { model, partition, state } of saved.states) this.states.get(model)?.set(partition, state);
      this.checkpoint = saved.position;
    } else {
      this.checkpoints.clear();
    }
    this.subscription = this.store.subscribe(this.checkpoint, (events) => this.apply(events));
    this.save();
  }

  /** Drops every state and folds the whole log again; `progress` is told (done, total) as it goes. */
  async rebuild(progress?: (done: number, total: number) => void): Promise<number> {
    this.subscription?.close();
    this.checkpoints.clear();
    for (const model of this.models) this.states.get(model.name)!.clear();
    this.currentViews.clear();
    this.checkpoint = 0;
    const total = await this.store.headPosition();
    for (;;) {
      const page = await this.store.readAll({ after: this.checkpoint, limit: 5000 });
      if (page.length === 0) break;
      this.fold(page);
      this.save();
      progress?.(this.checkpoint, total);
    }
    this.currentViews.clear();
    this.subscription = this.store.subscribe(this.checkpoint, (events) => this.apply(events));
    return this.checkpoint;
  }

  position(): number {
    return this.checkpoint;
  }

  /** A read model's view of one partition under some filters; the unfiltered one is computed once per change. */
  view<V>(model: AnyReadModel, partition: string, filters: Filters, scope: string): V {
    const state = this.states.get(model.name)?.get(partition) ?? model.initial();
    const unfiltered = filters.asOf === null && filters.knownAt === null && filters.atPosition === null;
    if (!unfiltered) return model.view(state, filters, scope) as V;
    const key = `${model.name}\u0000${partition}\u0000${scope}`;
    if (!this.currentViews.has(key)) this.currentViews.set(key, model.view(state, filters, scope));
    return this.currentViews.get(key) as V;
  }

  /** Resolves once the read models reflect `position`; NotCaughtUp after `ms`. */
  async waitFor(position: number, ms = 5000): Promise<void> {
    if (this.checkpoint >= position) return;
    await new Promise<void>((resolve, reject) => {
      const waiter = { position, resolve: () => { clearTimeout(timer); resolve(); } };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new NotCaughtUp(`The read models reflect position ${this.checkpoint}, not yet ${position}`));
      }, ms);
      this.waiters.push(waiter);
    });
  }

  async close(): Promise<void> {
    this.subscription?.close();
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.save();
    this.changes.complete();
  }

  private apply(events: RecordedEvent[]): void {
    const changed = this.fold(events);
    for (const { model, partition } of changed) this.forgetViews(model, partition);
    this.changes.next({ position: this.checkpoint, changed });
    const ready = this.waiters.filter((w) => w.position <= this.checkpoint);
    this.waiters = this.waiters.filter((w) => w.position > this.checkpoint);
    ready.forEach((w) => w.resolve());
    if (this.unsaved >= SAVE_EVERY_EVENTS) this.save();
    else if (!this.saveTimer) this.saveTimer = setTimeout(() => this.save(), SAVE_EVERY_MS);
  }

  private fold(events: RecordedEvent[]): Array<{ model: string; partition: string }> {
    const changed = new Map<string, { model: string; partition: string }>();
    for (const recorded of events) {
      if (recorded.position <= this.checkpoint) continue;
      const event = this.decode(recorded);
      this.checkpoint = recorded.position;
      this.unsaved += 1;
      this.folded += 1;
      if (!event) continue;
      for (const model of this.models) {
        if (!model.canHandle(event)) continue;
        const partition = model.partition(event);
        const states = this.states.get(model.name)!;
        states.set(partition, model.evolve(states.get(partition) ?? model.initial(), event));
        this.dirty.get(model.name)!.add(partition);
        changed.set(`${model.name}\u0000${partition}`, { model: model.name, partition });
      }
    }
    return [...changed.values()];
  }

  private forgetViews(model: string, partition: string): void {
    const prefix = `${model}\u0000${partition}\u0000`;
    for (const key of this.currentViews.keys()) if (key.startsWith(prefix)) this.currentViews.delete(key);
  }

  private save(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const changed = [...this.dirty.entries()].flatMap(([model, partitions]) =>
      [...partitions].map((partition) => ({ model, partition, state: this.states.get(model)!.get(partition) })),
    );
    this.checkpoints.save(this.checkpoint, this.version, changed);
    for (const set of this.dirty.values()) set.clear();
    this.unsaved = 0;
  }
}
