import { AllStreamSubscription } from '@kurrent/kurrentdb-client';
import { RecordedEvent, Subscription, SubscriptionHandler } from '../event-store';
import { Position } from '../position';
import { recordedOf } from './kurrentdb-records';

/**
 * The port's subscription on a KurrentDB catch-up subscription to `$all` (filtered server-side to
 * the ledger's streams): events are gathered into whole appends by their append identity and handed
 * over one append at a time, the next read from the server only once the handler's promise settles.
 * `caughtUp` is called once everything up to the head of the log as of subscribing has been handed
 * over (the server's own caught-up message can overtake events still buffered in the client).
 */
export class KurrentDbSubscription implements Subscription {
  private closed = false;
  private delivered: Position;
  private headAtStart: Position | null = null;
  private caughtUpSaid = false;

  constructor(
    private readonly server: AllStreamSubscription,
    after: Position,
    head: Promise<Position>,
    private readonly handler: SubscriptionHandler,
    private readonly onClose: (s: KurrentDbSubscription) => void,
  ) {
    this.delivered = after;
    // The client emits the server's errors on its stream; with no listener yet they would be thrown.
    server.on('error', () => undefined);
    head.then(
      (position) => {
        this.headAtStart = position;
        this.sayCaughtUpIfThere();
      },
      (error: unknown) => this.drop(error),
    );
    void this.run();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    void this.server.unsubscribe().catch(() => undefined);
  }

  private async run(): Promise<void> {
    let group: RecordedEvent[] = [];
    try {
      for await (const resolved of this.server) {
        if (this.closed) return;
        const e = recordedOf(resolved);
        if (!e || e.position <= this.delivered) continue;
        if (group.length > 0 && group[0].append.id !== e.append.id) {
          throw new Error(`KurrentDB subscription: append ${group[0].append.id} is incomplete at position ${e.position}`);
        }
        group.push(e);
        if (e.append.index < e.append.count - 1) continue;
        const append = group;
        group = [];
        await this.handler.append(append);
        this.delivered = e.position;
        this.sayCaughtUpIfThere();
      }
      throw new Error('the server ended the KurrentDB subscription');
    } catch (error) {
      this.drop(error);
    }
  }

  private drop(error: unknown): void {
    if (this.closed) return;
    this.close();
    this.handler.dropped?.(error);
  }

  private sayCaughtUpIfThere(): void {
    if (this.caughtUpSaid || this.closed || this.headAtStart === null || this.delivered < this.headAtStart) return;
    this.caughtUpSaid = true;
    this.handler.caughtUp?.();
  }
}
