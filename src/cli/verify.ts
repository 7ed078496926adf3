import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { walkChains, VerifyReport } from '../audit/chain-walk';
import { SqliteEventStore } from '../core/event-store/sqlite-event-store';
import { ledgerConfig } from '../config';

// npm run verify [-- <data dir>]: walks every stream's hash chain in the embedded store's file
// (DATA_DIR/events.db), reading only, and exits 1 naming each break (stream and revision).

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

export async function main(args: string[] = process.argv.slice(2), out: (line: string) => void = console.log): Promise<number> {
  const dataDir = args[0] !== undefined ? resolve(args[0]) : ledgerConfig(process.env).dataDir;
  let report: VerifyReport;
  try {
    report = await verifyDataDir(dataDir);
  } catch (error) {
    out(`verify: ${(error as Error).message}`);
    return 2;
  }
  for (const b of report.broken) {
    out(`BROKEN stream ${b.stream ?? '(unreadable)'} revision ${b.revision ?? '?'} (position ${b.position}): ${b.reason}`);
  }
  out(report.ok ? `ok: ${report.checked} events, every chain holds (${join(dataDir, 'events.db')})` : `FAILED: ${report.broken.length} broken of ${report.checked} events checked`);
  return report.ok ? 0 : 1;
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
