import { InvalidChain, RevisionConflict } from '../core/errors';
import { EventStore, RecordedEvent } from '../core/event-store/event-store';
import { byAppend } from '../core/event-store/log-subscription';
import { Position } from '../core/event-store/position';
import { ChainBreak, ChainCheck } from './chain-check';
import { findResumePoint, ResumePoint } from './resume-point';

/** Where the copy stands, told after every append. */
export interface MigrationProgress {
  /** Events and appends written to the target by this run. */
  copiedEvents: number;
  copiedAppends: number;
  /** Events and appends the target already held (importAppend answered 'present'). */
  skippedEvents: number;
  skippedAppends: number;
  /** Events of the source past the resume point, up to its head when the run began. */
  total: number;
  /** The source position of the last append handled. */
  position: Position;
}

/** What the run is about to do, told once before the first append. */
export interface MigrationPlan {
  resume: ResumePoint;
  /** The source's head when the run began: the copy stops there. */
  upTo: Position;
  /** Events left to copy. */
  total: number;
}

export interface MigrationOptions {
  onPlan?(plan: MigrationPlan): void;
  onProgress?(progress: MigrationProgress): void;
  /** Stops between two appends once aborted (Ctrl-C): the next run resumes. */
  signal?: AbortSignal;
  /** Stops after this many appends handled (tests: an interruption at a chosen place). */
  stopAfter?: number;
  /** Events read from the source per page. */
  pageSize?: number;
}

export type MigrationOutcome =
  /** Everything up to the source's head is in the target. */
  | 'done'
  /** Stopped by the signal or `stopAfter`: run again to continue. */
  | 'stopped'
  /** The source's chain breaks at `break`: nothing from that append on was copied. */
  | 'broken'
  /** The target refused an append (it holds other events in that stream): `error` says which. */
  | 'refused'
  /** Reading or writing failed (`error`): run again to continue. */
  | 'failed';

export interface MigrationReport extends MigrationProgress {
  outcome: MigrationOutcome;
  plan: MigrationPlan;
  /** The source's head when the run began (what the final check compares up to). */
  upTo: Position;
  seconds: number;
  break?: ChainBreak;
  error?: Error;
}

const DEFAULT_PAGE = 1000;

export const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Reads up to `limit` events after `after` (up to `upTo`), completing an append the page cut, so that
 * the page ends on a whole append.
 */
async function pageOfAppends(source: EventStore, after: Position, upTo: Position, limit: number): Promise<RecordedEvent[]> {
  const page = await source.readAll({ after, upTo, limit });
  for (let last = page.at(-1); last && last.append.index < last.append.count - 1; last = page.at(-1)) {
    const rest = await source.readAll({ after: last.position, upTo, limit: last.append.count - 1 - last.append.index });
    if (rest.length === 0) break;
    page.push(...rest);
  }
  return page;
}

/** Events in the source after `after` up to `upTo` (one pass over what remains, for the progress total). */
async function countEvents(source: EventStore, after: Position, upTo: Position, pageSize: number): Promise<number> {
  let count = 0;
  for (;;) {
    const page = await source.readAll({ after, upTo, limit: pageSize });
    if (page.length === 0) return count;
    count += page.length;
    after = page[page.length - 1].position;
  }
}

/**
 * Copies the source log into the target, append by append in source position order, exactly
 * (`importAppend`: same JSON, hashes, revisions and append identities), checking every chain on the
 * way. Resumes where an earlier run stopped (see `findResumePoint`); throws `TargetNotACopy` before
 * copying anything when the target holds other events. Neither store is closed.
 */
export async function migrate(source: EventStore, target: EventStore, options: MigrationOptions = {}): Promise<MigrationReport> {
  const started = Date.now();
  const pageSize = options.pageSize ?? DEFAULT_PAGE;
  const resume = await findResumePoint(source, target);
  const upTo = await source.headPosition();
  const total = resume.after >= upTo ? 0 : await countEvents(source, resume.after, upTo, Math.max(pageSize, 5000));
  const plan: MigrationPlan = { resume, upTo, total };
  options.onPlan?.(plan);
  const progress: MigrationProgress = { copiedEvents: 0, copiedAppends: 0, skippedEvents: 0, skippedAppends: 0, total, position: resume.after };
  const chains = new ChainCheck(target, resume.last === null);
  const report = (outcome: MigrationOutcome, extra: Partial<MigrationReport> = {}): MigrationReport => ({
    ...progress, outcome, plan, upTo, seconds: (Date.now() - started) / 1000, ...extra,
  });
  let after = resume.after;
  try {
    for (;;) {
      const page = await pageOfAppends(source, after, upTo, pageSize);
      if (page.length === 0) break;
      for (const append of byAppend(page)) {
        if (options.signal?.aborted) return report('stopped');
        if (options.stopAfter !== undefined && progress.copiedAppends + progress.skippedAppends >= options.stopAfter) return report('stopped');
        const broken = await chains.check(append);
        if (broken) return report('broken', { break: broken });
        const first = append[0];
        let outcome;
        try {
          outcome = await target.importAppend(first.stream, append);
        } catch (error) {
          if (error instanceof InvalidChain || error instanceof RevisionConflict) {
            return report('refused', {
              error: new Error(`the target refused stream ${first.stream} revision ${first.revision} (source position ${first.position}): ${error.message}`),
            });
          }
          throw error;
        }
        chains.advance(append);
        if (outcome === 'written') {
          progress.copiedAppends += 1;
          progress.copiedEvents += append.length;
        } else {
          progress.skippedAppends += 1;
          progress.skippedEvents += append.length;
        }
        progress.position = append[append.length - 1].position;
        options.onProgress?.({ ...progress });
      }
      after = page[page.length - 1].position;
      // Let the event loop run between pages (a store may answer without ever yielding): Ctrl-C is heard there.
      await turn();
    }
  } catch (error) {
    return report('failed', { error: error instanceof Error ? error : new Error(String(error)) });
  }
  return report('done');
}
