import { Fact } from './facts';

/**
 * The facts of the partitions read lately, least recently used first out, bounded by the number of
 * facts held: memory follows what is being read, not the size of the log. A partition larger than
 * the bound is still answered, just not kept.
 */
export class FactCache {
  private readonly partitions = new Map<string, Fact[]>();
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

  /** A new fact of a partition that is held; one that is not is read from disk when asked for. */
  append(partition: string, fact: Fact): void {
    const facts = this.partitions.get(partition);
    if (!facts) return;
    facts.push(fact);
    this.held += 1;
    this.evict();
  }

  delete(partition: string): void {
    const facts = this.partitions.get(partition);
    if (facts) this.held -= facts.length;
    this.partitions.delete(partition);
  }

  clear(): void {
    this.partitions.clear();
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
