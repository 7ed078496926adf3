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

  it('waits for a write of ids alone, and after a failed write commits nothing more, so the checkpoint never passes unsaved facts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-projections-'));
    const file = join(dir, 'projections.db');
    const store = new ProjectionStore(file);
    const raw = new Database(file, { readonly: true });
    const failures: Error[] = [];
    store.onFailure((error) => failures.push(error));
    try {
      const big = 'x'.repeat(4000);
      let position = 0;
      const row = () => ({ position: ++position, json: JSON.stringify({ position, big }), partitions: ['incident:a'] });
      for (let i = 0; i < 3; i++) store.write(Array.from({ length: 100 }, row), [], { position, version: 'v' });
      const id = randomUUID();
      store.write([], [{ id, stream: 'incident-a', revision: 300, position: ++position }], { position, version: 'v' });
      await store.drain();
      expect(raw.prepare('SELECT stream FROM ids WHERE id = ?').get(id)).toEqual({ stream: 'incident-a' });
      // A write that cannot be stored (a checkpoint with no version), then a good one with a later checkpoint.
      store.write([row()], [], { position, version: null as unknown as string });
      store.write([row()], [], { position, version: 'v' });
      await expect(store.drain()).rejects.toThrow(/Saving the projections failed/);
      expect(failures).toHaveLength(1);
      expect(store.checkpoint()).toEqual({ position: 301, version: 'v' });
      expect(() => store.write([row()], [], { position, version: 'v' })).toThrow(/Saving the projections failed/);
    } finally {
      raw.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
