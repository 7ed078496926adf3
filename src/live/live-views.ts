import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Subscription } from 'rxjs';
import { EventStore } from '../core/event-store/event-store';
import { EVENT_STORE } from '../core/event-store/event-store.token';
import { Position } from '../core/event-store/position';
import { NO_FILTERS } from '../core/filters';
import { Projector } from '../core/projections/projector';
import { AnyReadModel } from '../core/projections/read-model';
import { incidentStream } from '../incidents/incident';
import { appendsAfter } from './appends-after';
import { LIVE_OPTIONS, LiveOptions } from './live-options';
import { SseChannel, SseMessage, sseMessage } from './sse-channel';

/** A projection's answer as the plain GET gives it, from the read model's answer as JSON. */
export const answerJson = (incidentId: string, position: Position, view: string): string => {
  const head = `{"incidentId":${JSON.stringify(incidentId)},"filters":{"asOf":null,"knownAt":null,"atPosition":null},"position":${position}`;
  return view === '{}' ? `${head}}` : `${head},${view.slice(1)}`;
};

/** One followed view: its clients, and its latest updates for clients that come back soon. */
interface LiveView {
  model: AnyReadModel;
  incidentId: string;
  clients: Set<SseChannel>;
  json: string;
  position: Position;
  /** Every update after `floor` is in `recent`, oldest first. */
  recent: SseMessage[];
  recentBytes: number;
  floor: Position;
  unwatch: () => void;
}

/**
 * The live projections: each followed view is computed once per append that changes it (by the
 * projector) and the same encoded message goes to all of its clients. A client that comes back with
 * the position it had gets the updates after it: from memory when they are recent, else rebuilt from
 * the log as the answers at each append since; past `replayAppends` appends, a fresh snapshot.
 */
@Injectable()
export class LiveViews implements OnModuleDestroy {
  private readonly views = new Map<string, LiveView>();
  /** Held only while some view is followed: with nobody listening the projector announces nothing. */
  private subscription?: Subscription;

  constructor(
    private readonly projector: Projector,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LIVE_OPTIONS) private readonly options: LiveOptions,
  ) {}

  private listen(): void {
    this.subscription ??= this.projector.changes.subscribe(({ position, changed }) => {
      for (const { model, scope, json } of changed) {
        const view = this.views.get(`${model}\u0000${scope}`);
        if (view) this.update(view, position, json);
      }
    });
  }

  /** Clients following a view now (for health and metrics). */
  clientCount(): number {
    let n = 0;
    for (const view of this.views.values()) n += view.clients.size;
    return n;
  }

  async follow(model: AnyReadModel, incidentId: string, channel: SseChannel, resumeFrom: Position | null): Promise<void> {
    const view = this.open(model, incidentId);
    view.clients.add(channel);
    channel.whenClosed(() => this.leave(view, channel));
    const head = view.position;
    if (resumeFrom === null || resumeFrom > head) {
      channel.send(sseMessage('snapshot', head, answerJson(incidentId, head, view.json)));
      return;
    }
    if (resumeFrom >= view.floor) {
      for (const message of view.recent) if (message.position > resumeFrom) channel.send(message);
      return;
    }
    // Older than what is kept: the answers at each append since, from the log; live updates wait.
    channel.hold();
    try {
      const missed = await this.replay(model, incidentId, resumeFrom, head);
      channel.release(missed ?? [sseMessage('snapshot', head, answerJson(incidentId, head, this.jsonAt(model, incidentId, head)))]);
    } catch (error) {
      channel.end('error', { reason: error instanceof Error ? error.message : String(error) });
    }
  }

  onModuleDestroy(): void {
    this.quiet();
  }

  /** Stops listening to the projector's announcements (until someone follows again). */
  private quiet(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  /** Every client of every view: the server is stopping. */
  closeAll(): void {
    for (const view of this.views.values()) for (const channel of [...view.clients]) channel.end('shutdown', { reason: 'The server is stopping; reconnect with Last-Event-ID to resume' });
  }

  private open(model: AnyReadModel, incidentId: string): LiveView {
    const key = `${model.name}\u0000${incidentId}`;
    const existing = this.views.get(key);
    if (existing) return existing;
    const { json, position, unwatch } = this.projector.watch(model, incidentId);
    const view: LiveView = { model, incidentId, clients: new Set(), json, position, recent: [], recentBytes: 0, floor: position, unwatch };
    this.views.set(key, view);
    this.listen();
    return view;
  }

  private leave(view: LiveView, channel: SseChannel): void {
    view.clients.delete(channel);
    if (view.clients.size > 0) return;
    view.unwatch();
    this.views.delete(`${view.model.name}\u0000${view.incidentId}`);
    if (this.views.size === 0) this.quiet();
  }

  private update(view: LiveView, position: Position, json: string): void {
    view.json = json;
    view.position = position;
    const message = sseMessage('update', position, answerJson(view.incidentId, position, json));
    view.recent.push(message);
    view.recentBytes += message.bytes.length;
    while (view.recent.length > 1 && (view.recent.length > this.options.recentUpdates || view.recentBytes > this.options.recentBytes)) {
      const dropped = view.recent.shift()!;
      view.recentBytes -= dropped.bytes.length;
      view.floor = dropped.position;
    }
    for (const channel of view.clients) channel.send(message);
  }

  private jsonAt(model: AnyReadModel, incidentId: string, position: Position): string {
    return JSON.stringify(this.projector.view(model, incidentId, { ...NO_FILTERS, atPosition: position }));
  }

  /** The updates after `after` up to `upTo`: the answer at the end of each append that changed it; null past the limit. */
  private async replay(model: AnyReadModel, incidentId: string, after: Position, upTo: Position): Promise<SseMessage[] | null> {
    const ends: Position[] = [];
    for await (const append of appendsAfter(this.store, incidentStream(incidentId), after, upTo)) {
      ends.push(append[append.length - 1].position);
      if (ends.length > this.options.replayAppends) return null;
    }
    const missed: SseMessage[] = [];
    let before = this.jsonAt(model, incidentId, after);
    for (const end of ends) {
      const json = this.jsonAt(model, incidentId, end);
      if (json !== before) missed.push(sseMessage('update', end, answerJson(incidentId, end, json)));
      before = json;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return missed;
  }
}
