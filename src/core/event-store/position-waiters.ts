import { NotCaughtUp } from '../errors';
import { Position } from './position';

/** Readers waiting for a follower of the log (the projector, the registry) to reach a position. */
export class PositionWaiters {
  private waiters: Array<{ position: Position; resolve: () => void }> = [];

  /** Resolves once `reached` has reported `position` or more; NotCaughtUp after `ms`. */
  async waitFor(position: Position, current: () => Position, what: string, ms = 5000): Promise<void> {
    if (current() >= position) return;
    await new Promise<void>((resolve, reject) => {
      const waiter = { position, resolve: () => { clearTimeout(timer); resolve(); } };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new NotCaughtUp(`The ${what} are at position ${current()}, not yet ${position}`));
      }, ms);
      this.waiters.push(waiter);
    });
  }

  /** The follower has reached `position`: those waiting for it or less go on. */
  reached(position: Position): void {
    const ready = this.waiters.filter((w) => w.position <= position);
    this.waiters = this.waiters.filter((w) => w.position > position);
    ready.forEach((w) => w.resolve());
  }
}
