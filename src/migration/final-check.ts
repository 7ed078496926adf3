import { walkChains, Break } from '../audit/chain-walk';
import { EventStore, ReadOptions } from '../core/event-store/event-store';
import { Position, START } from '../core/event-store/position';
import { turn } from './migration';

export interface FinalCheck {
  ok: boolean;
  /** Events walked in the target. */
  checked: number;
  /** Streams compared. */
  streams: number;
  /** Where a chain of the target does not hold (walkChains). */
  broken: Break[];
  /** Streams whose head differs between source and target, one line each. */
  differences: string[];
}

interface Head {
  revision: number;
  hash: string;
}

/** The final check was stopped (Ctrl-C): the copy itself is not affected. */
export class CheckInterrupted extends Error {
  constructor() {
    super('the final check was interrupted');
  }
}

/** Between two pages: let the event loop run (Ctrl-C is heard there), and stop when asked to. */
async function pause(signal: AbortSignal | undefined): Promise<void> {
  await turn();
  if (signal?.aborted) throw new CheckInterrupted();
}

/** The same store, noting each stream's last event as `readAll` hands events out. */
function noting(store: EventStore, heads: Map<string, Head>, signal: AbortSignal | undefined): EventStore {
  return {
    appendToStream: (stream, events, options) => store.appendToStream(stream, events, options),
    importAppend: (stream, events) => store.importAppend(stream, events),
    readStream: (stream, options) => store.readStream(stream, options),
    readAll: async (options?: ReadOptions) => {
      await pause(signal);
      const events = await store.readAll(options);
      for (const e of events) heads.set(e.stream, { revision: e.revision, hash: e.hash });
      return events;
    },
    subscribe: (after, handler) => store.subscribe(after, handler),
    streamHead: (stream) => store.streamHead(stream),
    headPosition: () => store.headPosition(),
    close: () => store.close(),
  };
}

/** Each stream's last revision and hash in the source, up to `upTo`. */
async function headsOf(source: EventStore, upTo: Position, pageSize: number, signal: AbortSignal | undefined): Promise<Map<string, Head>> {
  const heads = new Map<string, Head>();
  for (let after = START; ;) {
    await pause(signal);
    const page = await source.readAll({ after, upTo, limit: pageSize });
    if (page.length === 0) return heads;
    for (const e of page) heads.set(e.stream, { revision: e.revision, hash: e.hash });
    after = page[page.length - 1].position;
  }
}

const short = (h: Head | undefined): string => (h ? `revision ${h.revision} (${h.hash.slice(0, 12)}…)` : 'no events');

/**
 * After a copy: walks every chain of the target (walkChains, the same rules as npm run verify) and
 * compares each stream's head, revision and hash, with the source's up to `upTo` (its head when the
 * copy began), both ways: a stream missing from either side is a difference. Reads both logs whole,
 * once; an aborted `signal` stops it between pages (CheckInterrupted).
 */
export async function checkCopy(source: EventStore, target: EventStore, upTo: Position, options: { pageSize?: number; signal?: AbortSignal } = {}): Promise<FinalCheck> {
  const pageSize = options.pageSize ?? 5000;
  const targetHeads = new Map<string, Head>();
  const walk = await walkChains(noting(target, targetHeads, options.signal), { pageSize, maxBreaks: 20 });
  const sourceHeads = await headsOf(source, upTo, pageSize, options.signal);
  const differences: string[] = [];
  for (const [stream, head] of sourceHeads) {
    const copy = targetHeads.get(stream);
    if (!copy || copy.revision !== head.revision || copy.hash !== head.hash) {
      differences.push(`stream ${stream}: the source ends at ${short(head)}, the target at ${short(copy)}`);
    }
  }
  for (const [stream, head] of targetHeads) {
    if (!sourceHeads.has(stream)) differences.push(`stream ${stream}: only in the target (${short(head)})`);
  }
  return {
    ok: walk.ok && differences.length === 0,
    checked: walk.checked,
    streams: new Set([...sourceHeads.keys(), ...targetHeads.keys()]).size,
    broken: walk.broken,
    differences,
  };
}
