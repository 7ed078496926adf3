import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { walkChains, VerifyReport } from '../audit/chain-walk';
import { SqliteEventStore } from '../core/event-store/sqlite-event-store';
import { ledgerConfig } from '../config';
import { isKurrentDbUrl, openEventStore } from '../store/open-event-store';

/** A connection string without its password, for messages. */
const redacted = (url: string): string => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

// npm run verify [-- <data dir> | <KurrentDB connection string>]: walks every stream's hash chain,
// reading only, and exits 1 naming each break (stream and revision). Without an argument: the log
// the configuration names (KURRENTDB_URL when set, else the embedded store's file DATA_DIR/events.db).

export async function verifyDataDir(dataDir: string): Promise<VerifyReport> {
  const file = join(dataDir, 'events.db');
  if (!existsSync(file)) throw new Error(`No log at ${file}`);
  const store = new SqliteEventStore(file);
  // Only to name the stream and revision of a row the store cannot even parse.
  const raw = new Database(file, { readonly: true, fileMustExist: true });
  const where = raw.prepare<[number], { stream: string; revision: number }>('SELECT stream, revision FROM events WHERE position = ?');
  try {
    return await walkChains(store, { maxBreaks: Number.MAX_SAFE_INTEGER, identify: (position) => where.get(position) ?? null });
  } finally {
    raw.close();
    await store.close();
  }
}

/** Walks every chain of a KurrentDB log, through the adapter the server uses. */
export async function verifyKurrentDb(url: string): Promise<VerifyReport> {
  const store = openEventStore({ kurrentdbUrl: url });
  try {
    return await walkChains(store, { maxBreaks: Number.MAX_SAFE_INTEGER });
  } finally {
    await store.close();
  }
}

export async function main(args: string[] = process.argv.slice(2), out: (line: string) => void = console.log): Promise<number> {
  let url: string | null = null;
  if (args[0] !== undefined && isKurrentDbUrl(args[0])) url = args[0];
  else if (args[0] === undefined && ledgerConfig(process.env).kurrentdbUrl) url = ledgerConfig(process.env).kurrentdbUrl;
  const dataDir = args[0] !== undefined && !url ? resolve(args[0]) : ledgerConfig(process.env).dataDir;
  const where = url ? redacted(url) : join(dataDir, 'events.db');
  let report: VerifyReport;
  try {
    report = url ? await verifyKurrentDb(url) : await verifyDataDir(dataDir);
  } catch (error) {
    out(`verify: ${(error as Error).message}`);
    return 2;
  }
  for (const b of report.broken) {
    out(`BROKEN stream ${b.stream ?? '(unreadable)'} revision ${b.revision ?? '?'} (position ${b.position}): ${b.reason}`);
  }
  out(report.ok ? `ok: ${report.checked} events, every chain holds (${where})` : `FAILED: ${report.broken.length} broken of ${report.checked} events checked (${where})`);
  return report.ok ? 0 : 1;
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
