import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { ledgerConfig } from '../config';
import { EventStore } from '../core/event-store/event-store';
import { CheckInterrupted, checkCopy } from '../migration/final-check';
import { migrate, MigrationPlan, MigrationProgress, MigrationReport } from '../migration/migration';
import { TargetNotACopy } from '../migration/resume-point';
import { isKurrentDbUrl, LogLocation, openEventStore } from '../store/open-event-store';

// npm run migrate -- --to <kurrentdb://host:2113?tls=false | data dir> [--from <data dir | kurrentdb://…>]
// Copies a log (default: the embedded store in DATA_DIR) to another, append by append, exactly, checking
// every chain as it goes; resumable; a final check walks every chain of the target. docs/migration.md.

export const USAGE = [
  'usage: npm run migrate -- --to <kurrentdb://host:2113?tls=false | data dir> [--from <data dir | kurrentdb://…>]',
  '  --to    the log to copy into: a KurrentDB connection string, or a data directory (embedded store, DATA_DIR/events.db)',
  '  --from  the log to copy (default: the embedded store in DATA_DIR, ./data when unset)',
  'Run the same command again after an interruption: it continues where it stopped.',
].join('\n');

/** Exit codes. */
export const EXIT = { ok: 0, failed: 1, usage: 2, unavailable: 3, interrupted: 130 } as const;

export interface MigrateIo {
  env?: NodeJS.ProcessEnv;
  /** Draw a progress bar (on stderr) rather than plain lines; default: whether stderr is a terminal. */
  tty?: boolean;
  /** Aborted: stop after the current append (Ctrl-C). */
  signal?: AbortSignal;
  /** Milliseconds between plain progress lines (no terminal). */
  progressEveryMs?: number;
}

interface Arguments {
  to: string;
  from: string | null;
}

function parse(args: string[]): Arguments | 'help' | string {
  let to: string | null = null;
  let from: string | null = null;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') return 'help';
    const m = /^--(to|from)(?:=(.*))?$/.exec(arg);
    if (!m) return `unknown argument "${arg}"`;
    const value = m[2] ?? args[++i];
    if (value === undefined || value === '' || (m[2] === undefined && value.startsWith('--'))) return `--${m[1]} needs a value`;
    if (m[1] === 'to') {
      if (to !== null) return '--to is given twice';
      to = value;
    } else {
      if (from !== null) return '--from is given twice';
      from = value;
    }
  }
  if (to === null) return '--to is required';
  return { to, from };
}

/** A connection string with its user and password hidden, or a resolved directory. */
const shown = (location: LogLocation): string =>
  location.kurrentdbUrl ? location.kurrentdbUrl.replace(/\/\/[^/@]*@/, '//***@') : join(location.dataDir!, 'events.db');

const locationOf = (text: string): LogLocation => (isKurrentDbUrl(text) ? { kurrentdbUrl: text } : { dataDir: resolve(text) });

function openSource(location: LogLocation): EventStore {
  if (location.dataDir !== undefined && !existsSync(join(location.dataDir, 'events.db'))) throw new Error(`no log at ${join(location.dataDir, 'events.db')}`);
  return openEventStore(location);
}

function openTarget(location: LogLocation): EventStore {
  if (location.dataDir !== undefined && existsSync(location.dataDir) && !statSync(location.dataDir).isDirectory()) {
    throw new Error(`${location.dataDir} is not a directory`);
  }
  return openEventStore(location);
}

const seconds = (s: number): string => (s < 10 ? s.toFixed(1) : String(Math.round(s)));

/** Draws progress: a bar on a terminal, else a plain line every `everyMs`. */
function progressDisplay(out: (line: string) => void, tty: boolean, everyMs: number) {
  let bar: SingleBar | null = null;
  let started = Date.now();
  let lastLine = 0;
  let total = 0;
  const rate = (done: number) => done / Math.max((Date.now() - started) / 1000, 0.001);
  return {
    plan(plan: MigrationPlan): void {
      started = Date.now();
      lastLine = started;
      total = plan.total;
      if (tty && total > 0) {
        bar = new SingleBar(
          { format: 'migrate [{bar}] {percentage}% | {value}/{total} events | {rate} events/s | ETA {eta_formatted}', hideCursor: true },
          Presets.shades_classic,
        );
        bar.start(total, 0, { rate: 0 });
      }
    },
    progress(p: MigrationProgress): void {
      const done = p.copiedEvents + p.skippedEvents;
      if (bar) return bar.update(done, { rate: Math.round(rate(done)) });
      const now = Date.now();
      if (now - lastLine < everyMs) return;
      lastLine = now;
      const r = rate(done);
      const eta = r > 0 ? (total - done) / r : 0;
      out(`migrate: ${done}/${total} events (${total ? Math.floor((100 * done) / total) : 100}%), ${Math.round(r)} events/s, ETA ${seconds(eta)} s`);
    },
    stop(): void {
      bar?.stop();
      bar = null;
    },
  };
}

/**
 * What changes for the server on the new log (see src/cli/rebuild.ts and the projector's check of
 * which log its projections were folded from).
 */
export function switchingNotes(from: LogLocation, to: LogLocation): string[] {
  const dataDir = from.dataDir ?? '<your DATA_DIR>';
  const lines = ['', 'Switching the server to the new log (stop it first; anything appended to the old log after this run began is not copied: run again to copy it):'];
  if (to.kurrentdbUrl) {
    const url = `'${shown(to)}'`;
    lines.push(
      `  Set KURRENTDB_URL=${url} and DATASETS=none (the data sets are in the log already). The projections in DATA_DIR/projections.db were folded`,
      `  from the old log, whose positions mean nothing in KurrentDB: they must be folded again from the new log. Either`,
      `  - keep DATA_DIR (it holds signing-key.pem, the key that signs /audit/heads) and rebuild the projections once, before starting the server:`,
      `      KURRENTDB_URL=${url} DATA_DIR=${dataDir} npm run rebuild`,
      `    (it drops every projection and folds the whole new log, with a progress bar; without it the server sees on start that its projections`,
      `    come from another log and folds them again itself, answering 503 on /health/ready until it has caught up);`,
      `  - or start the server on a fresh, empty DATA_DIR: it folds every projection on its first start. Copy ${join(dataDir, 'signing-key.pem')}`,
      `    into it, or set SIGNING_KEY, to keep signing /audit/heads with the same key.`,
    );
  } else {
    lines.push(
      `  Start the server with DATA_DIR=${to.dataDir}: it has no projections yet, so they are folded on its first start (like npm run rebuild).`,
      `  Copy ${join(dataDir, 'signing-key.pem')} into it (or set SIGNING_KEY) to keep signing /audit/heads with the same key.`,
    );
  }
  return lines;
}

export async function main(args: string[] = process.argv.slice(2), out: (line: string) => void = console.log, io: MigrateIo = {}): Promise<number> {
  const parsed = parse(args);
  if (parsed === 'help') {
    out(USAGE);
    return EXIT.ok;
  }
  if (typeof parsed === 'string') {
    out(`migrate: ${parsed}`);
    out(USAGE);
    return EXIT.usage;
  }
  let from: LogLocation;
  try {
    from = parsed.from !== null ? locationOf(parsed.from) : { dataDir: ledgerConfig(io.env ?? process.env).dataDir };
  } catch (error) {
    out(`migrate: ${(error as Error).message}`);
    return EXIT.usage;
  }
  const to = locationOf(parsed.to);
  if (shown(from) === shown(to)) {
    out(`migrate: --from and --to are the same log (${shown(to)})`);
    return EXIT.usage;
  }
  let source: EventStore | null = null;
  let target: EventStore | null = null;
  try {
    try {
      source = openSource(from);
      target = openTarget(to);
    } catch (error) {
      out(`migrate: cannot open ${source === null ? 'the source' : 'the target'}: ${(error as Error).message}`);
      return EXIT.usage;
    }
    out(`migrate: from ${shown(from)} to ${shown(to)}`);
    const display = progressDisplay(out, io.tty ?? process.stderr.isTTY === true, io.progressEveryMs ?? 5000);
    let report: MigrationReport;
    try {
      report = await migrate(source, target, {
        signal: io.signal,
        onPlan: (plan) => {
          const { last } = plan.resume;
          out(
            last === null
              ? `migrate: the target is empty; ${plan.total} events to copy`
              : `migrate: resuming after stream ${last.stream} revision ${last.revision} (source position ${last.sourcePosition}), already in the target; ${plan.total} events left to copy`,
          );
          display.plan(plan);
        },
        onProgress: (p) => display.progress(p),
      });
    } catch (error) {
      display.stop();
      if (error instanceof TargetNotACopy) {
        out(`migrate: refused: ${error.message}. Nothing was copied; give an empty target, or the target of an earlier run from this source.`);
        return EXIT.failed;
      }
      out(`migrate: could not start: ${(error as Error).message}`);
      return EXIT.unavailable;
    } finally {
      display.stop();
    }
    const counts = `copied ${report.copiedEvents} events in ${report.copiedAppends} appends; skipped ${report.skippedEvents} events in ${report.skippedAppends} appends already present; ${seconds(report.seconds)} s`;
    switch (report.outcome) {
      case 'broken': {
        const b = report.break!;
        out(`migrate: CHAIN BROKEN in the source at stream ${b.stream} revision ${b.revision} (source position ${b.position}): ${b.reason}; stopped, nothing from that append on was copied`);
        out(`migrate: ${counts}`);
        return EXIT.failed;
      }
      case 'refused':
        out(`migrate: stopped: ${report.error!.message}`);
        out(`migrate: ${counts}`);
        return EXIT.failed;
      case 'failed':
        out(`migrate: stopped: ${report.error!.message}`);
        out(`migrate: ${counts}`);
        out('migrate: run the same command again to continue where it stopped');
        return EXIT.unavailable;
      case 'stopped':
        out(`migrate: interrupted; ${counts}`);
        out('migrate: run the same command again to continue where it stopped');
        return EXIT.interrupted;
      case 'done':
        break;
    }
    out(`migrate: done; ${counts}`);
    out('migrate: final check: walking every chain of the target and comparing each stream\'s head with the source\'s…');
    let check;
    try {
      check = await checkCopy(source, target, report.upTo, { signal: io.signal });
    } catch (error) {
      if (!(error instanceof CheckInterrupted)) throw error;
      out('migrate: final check interrupted; the copy is complete: run the same command again to check it');
      return EXIT.interrupted;
    }
    for (const b of check.broken) out(`migrate: BROKEN in the target: stream ${b.stream ?? '(unreadable)'} revision ${b.revision ?? '?'} (target position ${b.position}): ${b.reason}`);
    for (const d of check.differences.slice(0, 20)) out(`migrate: DIFFERS: ${d}`);
    if (check.differences.length > 20) out(`migrate: … and ${check.differences.length - 20} more streams differ`);
    if (!check.ok) {
      out(`migrate: final check FAILED: ${check.broken.length} broken events, ${check.differences.length} streams differ (${check.checked} events, ${check.streams} streams)`);
      return EXIT.failed;
    }
    out(`migrate: final check ok: ${check.checked} events in the target, every chain holds; the heads of all ${check.streams} streams equal the source's`);
    for (const line of switchingNotes(from, to)) out(line);
    return EXIT.ok;
  } finally {
    await source?.close().catch(() => undefined);
    await target?.close().catch(() => undefined);
  }
}

if (require.main === module) {
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    process.stderr.write('\nmigrate: stopping after the current append (Ctrl-C again to quit at once; running again resumes either way)\n');
    controller.abort();
  });
  void main(process.argv.slice(2), console.log, { signal: controller.signal }).then((code) => process.exit(code));
}
