import { canonical, sha256 } from '../core/event-store/chain';
import { EventStore, GENESIS_HASH, RecordedEvent } from '../core/event-store/event-store';
import { Position } from '../core/event-store/position';

/** One place where a chain does not hold. */
export interface Break {
  /** null only when the stored event could not even be read (its stream is then unknown). */
  stream: string | null;
  revision: number | null;
  position: Position;
  reason: string;
}

export interface VerifyReport {
  ok: boolean;
  /** Events checked. */
  checked: number;
  /** The first breaks found, in log order (at most `maxBreaks`); `ok` is false whenever there is one. */
  broken: Break[];
}

export interface WalkOptions {
  /** Events read per page (the log is never held in memory). */
  pageSize?: number;
  /** At most this many breaks are listed. */
  maxBreaks?: number;
  /** Where an event that cannot be read is (the store failed to parse it); without it the stream is unknown. */
  identify?: (position: Position) => { stream: string; revision: number } | null;
}

/**
 * Checks one stored event against what came before it in its stream. Kept apart from the walk so
 * that the proofs and the CLI judge an event by the same rules:
 * the stored JSON is its own RFC 8785 form, its SHA-256 is the stored hash, its revision follows the
 * previous one, and its prevHash is the previous event's hash (64 zeros before revision 0).
 */
export function problemsOf(e: RecordedEvent, previous: { revision: number; hash: string } | undefined): string[] {
  const problems: string[] = [];
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = JSON.parse(e.json) as Record<string, unknown>;
  } catch {
    problems.push('the stored JSON does not parse');
  }
  if (parsed !== undefined && canonical(parsed) !== e.json) problems.push('the stored JSON is not in RFC 8785 canonical form');
  if (sha256(e.json) !== e.hash) problems.push('the SHA-256 of the stored JSON is not the stored hash');
  const expected = previous === undefined ? 0 : previous.revision + 1;
  if (e.revision !== expected) problems.push(`revision ${e.revision} follows ${expected - 1} (a gap: expected ${expected})`);
  if (parsed !== undefined && parsed.revision !== e.revision) problems.push(`the hashed revision ${String(parsed.revision)} is not the log's ${e.revision}`);
  if (parsed !== undefined && parsed.id !== e.id) problems.push("the hashed id is not the log's id");
  const prevHash = parsed?.prevHash;
  const wanted = previous === undefined ? GENESIS_HASH : previous.hash;
  if (parsed !== undefined && prevHash !== wanted) {
    problems.push(previous === undefined ? 'the first event of the stream does not have 64 zeros as prevHash' : `prevHash is not the hash of revision ${previous.revision}`);
  }
  return problems;
}

/**
 * Walks every stream's hash chain in one pass over the whole log (`readAll`, page by page, up to the
 * head as it was when the walk began), keeping only each stream's last revision and hash.
 */
export async function walkChains(store: EventStore, options: WalkOptions = {}): Promise<VerifyReport> {
  const pageSize = options.pageSize ?? 1000;
  const maxBreaks = options.maxBreaks ?? 1000;
  const upTo = await store.headPosition();
  const last = new Map<string, { revision: number; hash: string }>();
  const broken: Break[] = [];
  let found = 0;
  let checked = 0;
  let after: Position = 0;
  const note = (b: Break) => {
    found += 1;
    if (broken.length < maxBreaks) broken.push(b);
  };
  while (after < upTo) {
    let page: RecordedEvent[];
    try {
      page = await store.readAll({ after, limit: pageSize, upTo });
    } catch {
      // Some stored event on this page cannot be read: find it, one event at a time.
      try {
        page = await store.readAll({ after, limit: 1, upTo });
      } catch (error) {
        const position = after + 1;
        const where = options.identify?.(position) ?? null;
        note({ stream: where?.stream ?? null, revision: where?.revision ?? null, position, reason: `the stored event cannot be read: ${(error as Error).message}` });
        checked += 1;
        after = position;
        continue;
      }
    }
    if (page.length === 0) break;
    for (const e of page) {
      checked += 1;
      const previous = last.get(e.stream);
      const problems = problemsOf(e, previous);
      if (problems.length > 0) note({ stream: e.stream, revision: e.revision, position: e.position, reason: problems.join('; ') });
      last.set(e.stream, { revision: e.revision, hash: e.hash });
    }
    after = page[page.length - 1].position;
  }
  return { ok: found === 0, checked, broken };
}
