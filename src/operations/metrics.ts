import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { EventStore } from '../core/event-store/event-store';
import { EVENT_STORE } from '../core/event-store/event-store.token';
import { Projector } from '../core/projections/projector';
import { errorBody } from '../http/error-body.filter';
import { LiveEvents } from '../live/live-events';
import { LiveViews } from '../live/live-views';
import { Appended, AppendObserver } from './append-observer';

export type AppendOutcome = 'written' | 'existing' | 'refused' | 'failed';


const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The application's own Prometheus registry (GET /metrics): default Node process metrics, appends,
 * projection lag, live clients and the HTTP requests. Gauges read their value when scraped.
 */
@Injectable()
export class Metrics extends AppendObserver implements OnApplicationBootstrap {
  readonly registry = new Registry();
  private readonly appends = new Counter({
    name: 'ledger_appends_total', help: 'Append requests (POST /incidents/:id/events) by outcome: written, existing (all already stored), refused (a 4xx), failed (a 5xx)',
    labelNames: ['outcome'], registers: [this.registry],
  });
  private readonly appendSeconds = new Histogram({
    name: 'ledger_append_duration_seconds', help: 'Time to decide and store an append request, its wait for earlier appends included, by outcome',
    labelNames: ['outcome'], buckets: SECONDS, registers: [this.registry],
  });
  private readonly eventsAppended = new Counter({
    name: 'ledger_events_appended_total', help: 'Events newly stored by append requests (an event already stored is not counted)', registers: [this.registry],
  });
  private readonly rejected = new Counter({
    name: 'ledger_http_rejected_requests_total', help: 'HTTP requests answered with a 4xx or 5xx, by status', labelNames: ['status'], registers: [this.registry],
  });
  private readonly requestSeconds = new Histogram({
    name: 'ledger_http_request_duration_seconds', help: 'HTTP request duration by method, route template and status (a live stream: how long it stayed open)',
    labelNames: ['method', 'route', 'status'], buckets: SECONDS, registers: [this.registry],
  });
  private store?: EventStore;
  private projector?: Projector;
  private live: Array<{ kind: string; source?: { clientCount(): number } }> = [];

  constructor(private readonly modules: ModuleRef) {
    super();
    collectDefaultMetrics({ register: this.registry });
    const lag = async (): Promise<{ head: number; checkpoint: number } | null> => {
      if (!this.store || !this.projector) return null;
      return { head: await this.store.headPosition(), checkpoint: this.projector.position() };
    };
    const metrics = this;
    new Gauge({
      name: 'ledger_projection_lag_positions', help: "The store's head position minus the projector's checkpoint (0: caught up; on KurrentDB positions are byte offsets)",
      registers: [this.registry],
      async collect() {
        const at = await lag();
        if (at) this.set(Math.max(0, at.head - at.checkpoint));
      },
    });
    new Gauge({
      name: 'ledger_store_head_position', help: 'The position of the last event in the store', registers: [this.registry],
      async collect() {
        if (metrics.store) this.set(await metrics.store.headPosition());
      },
    });
    new Gauge({
      name: 'ledger_projection_checkpoint_position', help: 'The position the read models have folded up to', registers: [this.registry],
      collect() {
        if (metrics.projector) this.set(metrics.projector.position());
      },
    });
    new Gauge({
      name: 'ledger_projection_stopped', help: '1 when the projector stopped on an error (see /health/ready), else 0', registers: [this.registry],
      collect() {
        if (metrics.projector) this.set(metrics.projector.failure ? 1 : 0);
      },
    });
    new Gauge({
      name: 'ledger_live_clients', help: 'Live (Server-Sent Events) clients connected now, by kind: views (the projections) or events (GET /events/live)',
      labelNames: ['kind'], registers: [this.registry],
      collect() {
        for (const { kind, source } of metrics.live) if (source) this.set({ kind }, source.clientCount());
      },
    });
  }

  onApplicationBootstrap(): void {
    const find = <T>(token: unknown): T | undefined => {
      try {
        return this.modules.get(token as never, { strict: false }) as T;
      } catch {
        return undefined;
      }
    };
    this.store = find<EventStore>(EVENT_STORE);
    this.projector = find<Projector>(Projector);
    this.live = [{ kind: 'views', source: find<LiveViews>(LiveViews) }, { kind: 'events', source: find<LiveEvents>(LiveEvents) }];
  }

  async observe<T extends Appended>(append: () => Promise<T>): Promise<T> {
    const stop = this.appendSeconds.startTimer();
    let outcome: AppendOutcome = 'failed';
    try {
      const result = await append();
      outcome = result.created ? 'written' : 'existing';
      if (result.created) this.eventsAppended.inc(result.answer.events.filter((e) => !e.existing).length);
      return result;
    } catch (error) {
      outcome = errorBody(error).statusCode < 500 ? 'refused' : 'failed';
      throw error;
    } finally {
      this.appends.inc({ outcome });
      stop({ outcome });
    }
  }

  /** A finished HTTP request (or one whose connection closed first). */
  requestDone(method: string, route: string, status: number, seconds: number): void {
    this.requestSeconds.observe({ method, route, status: String(status) }, seconds);
    if (status >= 400) this.rejected.inc({ status: String(status) });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
