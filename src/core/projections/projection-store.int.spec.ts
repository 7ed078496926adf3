import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectionStore } from './projection-store';

describe('the projection store\'s writer thread', () => {
  it('answers what is being written from memory, in log order, until it is committed, and commits it in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-projections-'));
    const file = join(dir, 'projections.db');
    const store = new ProjectionStore(file);
    const raw = new Database(file, { readonly: true });
    const count = () => (raw.prepare("SELECT COUNT(*) AS n FROM members WHERE partition = 'incident:a'").get() as { n: number }).n;
    try {
      // Past a megabyte written on this thread, the writer thread takes over.
      const big = 'x'.repeat(4000);
      let position = 0;
      const row = (partition: string) => ({ position: ++position, json: JSON.stringify({ position, big }), partitions: [partition] });
      for (let i = 0; i < 3; i++) store.write(Array.from({ length: 100 }, () => row('incident:a')), [], { position, version: 'v' });
      expect(count()).toBe(300); // written here, synchronously
      const id = randomUUID();
      const batch = Array.from({ length: 50 }, () => row('incident:a'));
      store.write(batch, [{ id: id.toUpperCase(), stream: 'incident-a', revision: 349, position }], { position, version: 'v' });
      // Handed to the writer thread (its first write: it is still starting), answered from memory meanwhile.
      const facts = store.partition('incident:a', position).map((json) => JSON.parse(json).position);
      expect(facts).toEqual(Array.from({ length: 350 }, (_, i) => i + 1));
      expect(store.partition('incident:a', 320)).toHaveLength(320);
      expect(store.partition('incident:b', position)).toEqual([]);
      expect(store.locate(id)).toEqual({ id: id.toUpperCase(), stream: 'incident-a', revision: 349, position });
      expect(store.locateAll([id, randomUUID()])).toEqual([{ id: id.toUpperCase(), stream: 'incident-a', revision: 349, position }]);
      expect(store.backlog()).toBe(50);
      await store.drain();
      expect(store.backlog()).toBe(0);
      expect(count()).toBe(350);
      expect(store.checkpoint()).toEqual({ position: 350, version: 'v' });
      expect(store.locate(id)).toEqual({ id: id.toUpperCase(), stream: 'incident-a', revision: 349, position });
      await store.clear();
      expect(count()).toBe(0);
    } finally {
      raw.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
