import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../src/core/event-store/sqlite-event-store';
import { eventStoreContract } from './event-store.contract';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

eventStoreContract('embedded SQLite on a temporary directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-store-'));
  dirs.push(dir);
  const file = join(dir, 'events.db');
  let store = new SqliteEventStore(file);
  return {
    store,
    reopen: async () => {
      await store.close();
      store = new SqliteEventStore(file);
      return store;
    },
    another: async () => new SqliteEventStore(file),
  };
});
