import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { EventStore, RecordedEvent, Subscription } from '../core/event-store/event-store';
import { Incident } from '../incidents/incident';
import { Source } from '../sources/source';
import { EVENT_STORE } from '../store/store.module';

export const SOURCES_STREAM = 'sources';
export const INCIDENTS_STREAM = 'incidents';

/** The registered sources and incidents, folded from their own streams and kept current. */
@Injectable()
export class Register implements OnModuleInit {
  private readonly sources = new Map<string, Source>();
  private readonly incidents = new Map<string, Incident>();
  private subscription?: Subscription;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onModuleInit(): Promise<void> {
    const head = await this.store.headPosition();
    for (const stream of [SOURCES_STREAM, INCIDENTS_STREAM]) {
      for (const e of await this.store.readStream(stream)) if (e.position <= head) this.apply(e);
    }
    this.subscription = this.store.subscribe(head, (events) => events.forEach((e) => this.apply(e)));
  }

  onModuleDestroy(): void {
    this.subscription?.close();
  }

  apply(e: RecordedEvent): void {
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
