import { RecordedEvent, Subscription, SubscriptionHandler } from './event-store';
import { Position } from './position';

const PAGE = 1000;

/** What a store gives a subscription: pages of the log, whole appends only. */
export interface LogPages {
  /** Up to about `limit` events after `after`, in position order, ending on a complete append. */
  page(after: Position, limit: number): RecordedEvent[];
}

/** Splits events in position order into the appends they belong to. */
export function* byAppend(events: RecordedEvent[]): Generator<RecordedEvent[]> {
  let group: RecordedEvent[] = [];
  for (const e of events) {
    if (group.length > 0 && group[0].append.id !== e.append.id) {
      yield group;
      group = [];
    }
    group.push(e);
  }
  if (group.length > 0) yield group;
}

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Catch-up, then live, one append at a time and never on the appender's stack. Appends published
 * while catching up are queued and skipped by position once the catch-up has delivered them.
 */
export class LogSubscription implements Subscription {
  private delivered: Position;
  private readonly live: RecordedEvent[][] = [];
  private caughtUp = false;
  private closed = false;
  private pumping = false;

  constructor(
    private readonly log: LogPages,
    after: Position,
    private readonly handler: SubscriptionHandler,
    private readonly onClose: (s: LogSubscription) => void,
  ) {
    this.delivered = after;
    setImmediate(() => void this.catchUp());
  }

  /** Called by the store after each committed append. */
  published(events: RecordedEvent[]): void {
    if (this.closed) return;
    this.live.push(events);
    if (this.caughtUp) setImmediate(() => void this.pump());
  }

  close(): void {
    this.closed = true;
    this.onClose(this);
  }

  private async catchUp(): Promise<void> {
    try {
      for (;;) {
        if (this.closed) return;
        const page = this.log.page(this.delivered, PAGE);
        if (page.length === 0) break;
        for (const append of byAppend(page)) await this.deliver(append);
        await nextTick();
      }
    } catch (error) {
      return this.drop(error);
    }
    this.caughtUp = true;
    await this.pump();
    if (!this.closed) this.handler.caughtUp?.();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.live.length > 0 && !this.closed) await this.deliver(this.live.shift()!);
    } catch (error) {
      this.drop(error);
    } finally {
      this.pumping = false;
    }
  }

  private async deliver(append: RecordedEvent[]): Promise<void> {
    const last = append[append.length - 1].position;
    if (this.closed || last <= this.delivered) return;
    await this.handler.append(append);
    this.delivered = last;
  }

  private drop(error: unknown): void {
    if (this.closed) return;
    this.close();
    this.handler.dropped?.(error);
  }
}
