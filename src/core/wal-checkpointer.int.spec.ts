import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from './event-store/sqlite-event-store';

const size = (file: string) => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

describe('checkpoints off the event loop', () => {
  it('moves the log\'s written pages into the database file from a worker thread, while appends never checkpoint themselves below the backstop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-wal-'));
    const file = join(dir, 'events.db');
    const store = new SqliteEventStore(file);
    try {
      const before = size(file);
      const text = 'x'.repeat(2000);
      // About 6 MB through the log: past SQLite's default threshold (1,000 pages), far below the backstop.
      for (let i = 0; i < 30; i++) {
        await store.appendToStream('s', Array.from({ length: 100 }, () => ({ id: randomUUID(), type: 'Noted', body: { data: { text } } })));
      }
      const walAfterAppends = size(`${file}-wal`);
      expect(walAfterAppends).toBeGreaterThan(5_000_000); // SQLite on its own would have checkpointed at about 4 MB
      const deadline = Date.now() + 5000;
      while (size(file) - before < 4_000_000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(size(file) - before).toBeGreaterThan(4_000_000); // the worker copied the pages into the file
      expect((await store.readAll({ after: 2990 })).length).toBe(10);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
