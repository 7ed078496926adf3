import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EventStore, RecordedEvent, Subscription } from '../core/event-store/event-store';
import { EVENT_STORE } from '../core/event-store/event-store.token';
import { Position, START } from '../core/event-store/position';
import { PositionWaiters } from '../core/event-store/position-waiters';
import { Incident, Source } from '../core/registrations';

export const SOURCES_STREAM = 'sources';
export const INCIDENTS_STREAM = 'incidents';

/**
 * The registry of sources and incidents, folded from their own streams and kept current by an
 * asynchronous subscription: whoever registers waits for the position it wrote (`waitFor`).
 */
/** How soon a dropped subscription is followed again, doubling while it keeps dropping. */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5_000;

@Injectable()
export class Register implements OnModuleInit, OnModuleDestroy {
  private readonly sources = new Map<string, Source>();
  private readonly incidents = new Map<string, Incident>();
  private position: Position = START;
  private subscription?: Subscription;
  private readonly waiters = new PositionWaiters();
  private readonly logger = new Logger('Registry');
  private closed = false;
  private retryMs = RETRY_FIRST_MS;
  private retryTimer?: NodeJS.Timeout;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onModuleInit(): Promise<void> {
    const head = await this.store.headPosition();
    for (const stream of [SOURCES_STREAM, INCIDENTS_STREAM]) {
      for (const e of await this.store.readStream(stream)) if (e.position <= head) this.apply(e);
    }
    this.position = head;
    this.follow();
  }

  /** Follows the log from the last position it holds; a dropped subscription is logged and followed again. */
  private follow(): void {
    this.subscription = this.store.subscribe(this.position, {
      append: (events) => {
        this.retryMs = RETRY_FIRST_MS;
        events.forEach((e) => this.apply(e));
        this.position = events[events.length - 1].position;
        this.waiters.reached(this.position);
      },
      dropped: (error) => {
        if (this.closed) return;
        this.logger.error(`The registry's subscription dropped at position ${this.position}; following again in ${this.retryMs} ms: ${String(error)}`);
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          if (!this.closed) this.follow();
        }, this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
      },
    });
  }

  onModuleDestroy(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.subscription?.close();
  }

  /** Resolves once the registry holds every registration up to `position`. */
  waitFor(position: Position, ms = 5000): Promise<void> {
    return this.waiters.waitFor(position, () => this.position, 'registrations', ms);
  }

  private apply(e: RecordedEvent): void {
    const data = e.event.data as Source & Incident;
    if (e.stream === SOURCES_STREAM) this.sources.set(data.id, data);
    else if (e.stream === INCIDENTS_STREAM) this.incidents.set(data.id, data);
  }

  source(id: string): Source | undefined {
    return this.sources.get(id);
  }

  incident(id: string): Incident | undefined {
    return this.incidents.get(id);
  }

  allSources(): Source[] {
    return [...this.sources.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  allIncidents(): Incident[] {
    return [...this.incidents.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
