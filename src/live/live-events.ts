import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Subscription } from 'rxjs';
import { EventStore, RecordedEvent } from '../core/event-store/event-store';
import { EVENT_STORE } from '../core/event-store/event-store.token';
import { Position } from '../core/event-store/position';
import { Projector } from '../core/projections/projector';
import { INCIDENT_STREAM_PREFIX, incidentStream } from '../incidents/incident';
import { inCurrentSchema } from '../incidents/stored-event';
import { appendsAfter } from './appends-after';
import { SseChannel, SseMessage, sseMessage } from './sse-channel';

/** Which events a client follows: one incident's or all, of some types or all. */
export interface EventFilter {
  incidentId: string | null;
  types: string[] | null;
}

interface Follower {
  channel: SseChannel;
  filter: EventFilter;
  key: string;
  /** The position it had when it started: an announcement of an append folded before that is not sent again. */
  since: number;
}

const keyOf = (filter: EventFilter): string => `${filter.incidentId ?? ''}\u0000${filter.types?.join(',') ?? ''}`;

/**
 * The raw events as they are written, one `update` per append request (its events that pass the
 * filter, as GET /events/:id serves them), each message made once for all clients with the same filter.
 */
@Injectable()
export class LiveEvents implements OnModuleDestroy {
  private readonly followers = new Set<Follower>();
  /** Held only while someone follows: with nobody listening the projector announces nothing. */
  private subscription?: Subscription;

  constructor(private readonly projector: Projector, @Inject(EVENT_STORE) private readonly store: EventStore) {}

  private listen(): void {
    this.subscription ??= this.projector.changes.subscribe(({ position, append, events }) => {
      const made = new Map<string, SseMessage | null>();
      for (const follower of this.followers) {
        if (position <= follower.since) continue;
        if (!made.has(follower.key)) made.set(follower.key, this.message(append, position, events, follower.filter));
        const message = made.get(follower.key);
        if (message) follower.channel.send(message);
      }
    });
  }

  clientCount(): number {
    return this.followers.size;
  }

  async follow(channel: SseChannel, filter: EventFilter, resumeFrom: Position | null): Promise<void> {
    const head = this.projector.position();
    const follower: Follower = { channel, filter, key: keyOf(filter), since: head };
    this.followers.add(follower);
    this.listen();
    channel.whenClosed(() => {
      this.followers.delete(follower);
      if (this.followers.size === 0) this.quiet();
    });
    if (resumeFrom === null || resumeFrom > head) {
      channel.send(sseMessage('snapshot', head, JSON.stringify({ position: head, incidentId: filter.incidentId, types: filter.types })));
      return;
    }
    // What was written since, read from the log page by page at the client's pace; live appends wait.
    channel.hold();
    try {
      const stream = filter.incidentId === null ? null : incidentStream(filter.incidentId);
      for await (const events of appendsAfter(this.store, stream, resumeFrom, head)) {
        if (channel.isClosed) return;
        const last = events[events.length - 1];
        const message = this.message(last.append.id, last.position, events, filter);
        if (message) channel.sendNow(message);
        await channel.drained();
      }
      channel.release();
    } catch (error) {
      channel.end('error', { reason: error instanceof Error ? error.message : String(error) });
    }
  }

  closeAll(): void {
    for (const { channel } of [...this.followers]) channel.end('shutdown', { reason: 'The server is stopping; reconnect with Last-Event-ID to resume' });
  }

  onModuleDestroy(): void {
    this.quiet();
  }

  /** Stops listening to the projector's announcements (until someone follows again). */
  private quiet(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  private message(append: string, position: Position, events: RecordedEvent[], filter: EventFilter): SseMessage | null {
    const passing = events.filter(
      (e) =>
        e.stream.startsWith(INCIDENT_STREAM_PREFIX) &&
        (filter.incidentId === null || e.stream === incidentStream(filter.incidentId)) &&
        (filter.types === null || filter.types.includes(e.type)),
    );
    if (passing.length === 0) return null;
    return sseMessage('update', position, JSON.stringify({ position, append, events: passing.map(inCurrentSchema) }));
  }
}
