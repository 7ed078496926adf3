import { byLatest } from '../time';
import { Fact } from './facts';

/** Where a fact goes in an array kept in "latest" order: after every fact that sorts before or with it. */
const insertionPoint = (facts: readonly Fact[], fact: Fact): number => {
  let lo = 0;
  let hi = facts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (byLatest(facts[mid], fact) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/**
 * The facts of the partitions read lately, least recently used first out, bounded by the number of
 * facts held: memory follows what is being read, not the size of the log. A partition larger than
 * the bound is still answered, just not kept.
 */
export class FactCache {
  private readonly partitions = new Map<string, Fact[]>();
  /** Per partition, the facts each read model handles, in "latest" order: what its view folds. */
  private readonly handled = new Map<string, Map<string, Fact[]>>();
  private held = 0;

  constructor(private readonly capacity: number) {}

  get(partition: string): Fact[] | undefined {
    const facts = this.partitions.get(partition);
    if (facts) {
      this.partitions.delete(partition);
      this.partitions.set(partition, facts);
    }
    return facts;
  }

  set(partition: string, facts: Fact[]): void {
    this.delete(partition);
    if (facts.length > this.capacity) return;
    this.partitions.set(partition, facts);
    this.held += facts.length;
    this.evict();
  }

  /** The facts of a held partition that a read model handles, in "latest" order, kept until the partition goes. */
  handledBy(partition: string, model: string, handles: (fact: Fact) => boolean): Fact[] | undefined {
    const facts = this.get(partition);
    if (!facts) return undefined;
    const byModel = this.handled.get(partition) ?? this.handled.set(partition, new Map()).get(partition)!;
    return byModel.get(model) ?? byModel.set(model, facts.filter(handles).sort(byLatest)).get(model)!;
  }

  /** A new fact of a partition that is held; one that is not is read from disk when asked for. */
  append(partition: string, fact: Fact, handles: (model: string) => boolean): void {
    const facts = this.partitions.get(partition);
    if (!facts) return;
    facts.push(fact);
    for (const [model, subset] of this.handled.get(partition) ?? []) {
      if (handles(model)) subset.splice(insertionPoint(subset, fact), 0, fact);
    }
    this.held += 1;
    this.evict();
  }

  delete(partition: string): void {
    const facts = this.partitions.get(partition);
    if (facts) this.held -= facts.length;
    this.partitions.delete(partition);
    this.handled.delete(partition);
  }

  clear(): void {
    this.partitions.clear();
    this.handled.clear();
    this.held = 0;
  }

  size(): number {
    return this.held;
  }

  private evict(): void {
    for (const [partition] of this.partitions) {
      if (this.held <= this.capacity) return;
      this.delete(partition);
    }
  }
}
