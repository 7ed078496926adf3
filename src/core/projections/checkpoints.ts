import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** A saved fold: every read model's partitions and the log position they reflect. */
export interface SavedFold {
  position: number;
  version: string;
  states: Array<{ model: string; partition: string; state: unknown }>;
}

/**
 * Where the projector keeps its checkpoint and states (a SQLite file beside the log, or in memory).
 * The states and the checkpoint are written in one transaction, so they never disagree.
 */
export class CheckpointStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL, version TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS states (model TEXT NOT NULL, partition TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (model, partition));
    `);
  }

  load(): SavedFold | null {
    const row = this.db.prepare<[], { position: number; version: string }>('SELECT position, version FROM checkpoint WHERE id = 1').get();
    if (!row) return null;
    const states = this.db
      .prepare<[], { model: string; partition: string; json: string }>('SELECT model, partition, json FROM states')
      .all()
      .map((s) => ({ model: s.model, partition: s.partition, state: JSON.parse(s.json) as unknown }));
    return { position: row.position, version: row.version, states };
  }

  /** Writes the changed partitions and the new checkpoint together. */
  save(position: number, version: string, changed: Array<{ model: string; partition: string; state: unknown }>): void {
    const upsert = this.db.prepare('INSERT INTO states (model, partition, json) VALUES (?, ?, ?) ON CONFLICT (model, partition) DO UPDATE SET json = excluded.json');
    const checkpoint = this.db.prepare('INSERT INTO checkpoint (id, position, version) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position, version = excluded.version');
    this.db.transaction(() => {
      for (const s of changed) upsert.run(s.model, s.partition, JSON.stringify(s.state));
      checkpoint.run(position, version);
    })();
  }

  clear(): void {
    this.db.exec('DELETE FROM states; DELETE FROM checkpoint;');
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
