import { EventStore, RecordedEvent } from '../core/event-store/event-store';
import { Position, START } from '../core/event-store/position';

/** Where a copy continues: after `after` in the source (START: from the beginning). */
export interface ResumePoint {
  after: Position;
  /** The last event already copied (the source's, whose copy is the target's last event); null when the target is empty. */
  last: { stream: string; revision: number; hash: string; sourcePosition: Position; targetPosition: Position } | null;
  /** Events read from the source and stream heads asked of the target to find it. */
  probes: number;
}

/** The target holds events that are not a copy of the start of this source: nothing is copied. */
export class TargetNotACopy extends Error {}

const NOT_A_COPY = 'the target already holds events that are not a copy of this source';
const named = (e: { stream: string; revision: number }): string => `stream ${e.stream} revision ${e.revision}`;

/**
 * Works out where an earlier copy stopped, with a few reads whatever the size of the log, never
 * reading the target's events in bulk. A copy writes whole appends in source position order, so the
 * target holds a prefix of the source: every source event up to some position P, nothing after it.
 * A source event is in the target exactly when the target's head of its stream has reached its
 * revision, and that is true up to P and false after it, so P is found by bisecting the source's
 * positions (about log2(N) one-event reads of the source and stream heads of the target):
 *
 * 1. the target is empty: start from the beginning;
 * 2. bisect for P, the last source event the target holds (none: the target is someone else's log);
 * 3. that event's copy must be the target's last event: the target's head of its stream is at the
 *    log's head position with the same revision and hash (a hash chains the whole stream up to it),
 *    and it ends its append; the first events of both logs must be the same;
 * 4. the copy continues after P in the source.
 *
 * A source that refuses a read from a position between two events falls back to reading forward
 * from the last event found, which costs what was copied rather than log2 of it.
 *
 * Anything else is refused (TargetNotACopy), before anything is written. What lies between is not
 * read again: each later append is checked against the target's stream head as it is copied, and
 * the final check walks every chain of the target.
 */
export async function findResumePoint(source: EventStore, target: EventStore): Promise<ResumePoint> {
  const targetHead = await target.headPosition();
  if (targetHead === START) return { after: START, last: null, probes: 0 };
  let probes = 0;
  const heads = new Map<string, number>();
  const held = async (e: RecordedEvent): Promise<boolean> => {
    if (!heads.has(e.stream)) {
      probes += 1;
      heads.set(e.stream, (await target.streamHead(e.stream))?.revision ?? -1);
    }
    return heads.get(e.stream)! >= e.revision;
  };
  const [firstTarget] = await target.readAll({ after: START, limit: 1 });
  const [firstSource] = await source.readAll({ after: START, limit: 1 });
  if (!firstTarget) throw new Error(`the target's head is at position ${targetHead}, but no event could be read from it`);
  if (!firstSource || firstTarget.stream !== firstSource.stream || firstTarget.revision !== firstSource.revision || firstTarget.hash !== firstSource.hash) {
    throw new TargetNotACopy(`${NOT_A_COPY}: its first event (${named(firstTarget)}) is not the source's first event${firstSource ? ` (${named(firstSource)})` : ' (the source is empty)'}`);
  }

  // Invariant: every source event at or before `lo` is held; none after `hi` is. `last` is the event at `lo`.
  let lo: Position = firstSource.position;
  let last: RecordedEvent = firstSource;
  let hi: Position = await source.headPosition();
  try {
    while (lo < hi) {
      const mid = lo + Math.floor((hi - lo) / 2);
      probes += 1;
      const [e] = await source.readAll({ after: mid, upTo: hi, limit: 1 });
      if (e && (await held(e))) {
        lo = e.position;
        last = e;
      } else {
        hi = mid; // no event between mid and e, and e is not held (or there is none up to hi)
      }
    }
  } catch {
    // A source that cannot be read from a position between two events (a KurrentDB server may refuse
    // one): read it forward from the last held event instead, which costs what was copied, not log2 of it.
    let after = lo;
    for (let behind = false; !behind; ) {
      const page = await source.readAll({ after, upTo: hi, limit: 1000 });
      probes += 1;
      if (page.length === 0) break;
      for (const e of page) {
        behind = !(await held(e));
        if (behind) break;
        last = e;
      }
      after = page[page.length - 1].position;
    }
  }

  const copy = await target.streamHead(last.stream);
  probes += 1;
  const refuse = (why: string) => new TargetNotACopy(`${NOT_A_COPY}: ${why}`);
  if (!copy || copy.revision !== last.revision || copy.hash !== last.hash) {
    throw refuse(`the last source event it holds is ${named(last)} (source position ${last.position}), but its head of that stream is ${copy ? `revision ${copy.revision} with hash ${copy.hash.slice(0, 12)}…` : 'missing'}`);
  }
  if (copy.position !== targetHead) {
    throw refuse(`after the copy of ${named(last)} (target position ${copy.position}) it holds events up to position ${targetHead} that are not the source's next ones`);
  }
  if (last.append.index !== last.append.count - 1) {
    throw refuse(`its last event ${named(last)} ends in the middle of an append (event ${last.append.index + 1} of ${last.append.count})`);
  }
  return {
    after: last.position,
    last: { stream: last.stream, revision: last.revision, hash: last.hash, sourcePosition: last.position, targetPosition: copy.position },
    probes,
  };
}
