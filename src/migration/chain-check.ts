import { problemsOf } from '../audit/chain-walk';
import { EventStore, RecordedEvent } from '../core/event-store/event-store';
import { Position } from '../core/event-store/position';

/** Where the source's chain does not hold: the migration stops there. */
export interface ChainBreak {
  stream: string;
  revision: number;
  /** The event's position in the source. */
  position: Position;
  reason: string;
}

interface Link {
  revision: number;
  hash: string;
}

/**
 * Each stream's last hash, as the copy goes: an append of the source is checked against it before it
 * is copied (its events' JSON hashes to their hash, in RFC 8785 form, revisions follow, each prevHash
 * is the hash before it; one whole append in order). A stream first met is looked up in the target
 * (`streamHead`), unless the target was empty when the copy began: then every stream starts at 64 zeros.
 */
export class ChainCheck {
  private readonly last = new Map<string, Link | null>();

  constructor(private readonly target: EventStore, private readonly targetWasEmpty: boolean) {}

  /** The stream's last hash so far (null: the stream has no event yet). */
  async headOf(stream: string): Promise<Link | null> {
    if (this.last.has(stream)) return this.last.get(stream)!;
    const head = this.targetWasEmpty ? null : await this.target.streamHead(stream);
    const link = head ? { revision: head.revision, hash: head.hash } : null;
    this.last.set(stream, link);
    return link;
  }

  /** The first break in `append` (the events of one append of the source, in order), or null. */
  async check(append: RecordedEvent[]): Promise<ChainBreak | null> {
    const first = append[0];
    let previous = await this.headOf(first.stream);
    if (previous !== null && first.revision <= previous.revision) {
      // The target already holds this stream at or past this revision: `importAppend` says whether these are the same events.
      // Their own hashes and the links inside the append are still checked.
      previous = first.revision === 0 ? null : { revision: first.revision - 1, hash: first.prevHash };
    }
    for (const [i, e] of append.entries()) {
      const at = (reason: string): ChainBreak => ({ stream: e.stream, revision: e.revision, position: e.position, reason });
      if (e.stream !== first.stream || e.append.id !== first.append.id || e.append.index !== i || e.append.count !== append.length) {
        return at(`not one whole append in order (append ${e.append.id}, event ${e.append.index + 1} of ${e.append.count})`);
      }
      const problems = problemsOf(e, previous ?? undefined);
      if (problems.length > 0) return at(problems.join('; '));
      previous = { revision: e.revision, hash: e.hash };
    }
    return null;
  }

  /** Records that `append` is now in the target. */
  advance(append: RecordedEvent[]): void {
    const last = append[append.length - 1];
    const known = this.last.get(last.stream);
    if (!known || known.revision < last.revision) this.last.set(last.stream, { revision: last.revision, hash: last.hash });
  }
}
