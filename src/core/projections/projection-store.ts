import Database from 'better-sqlite3';
import { WalCheckpointer } from '../wal-checkpointer';
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Position } from '../event-store/position';
import { canonicalId } from '../events';

/** One fact to keep: its log position, its JSON and the partitions it is read through. */
export interface FactRow {
  position: Position;
  json: string;
  partitions: string[];
}

/** Where an event id was stored: the application's own index of ids (the store has none). */
export interface EventLocation {
  id: string;
  stream: string;
  revision: number;
  position: Position;
}

export interface Checkpoint {
  position: Position;
  version: string;
}

/**
 * The projector's durable state in a SQLite file beside the log: each fact once, its partition
 * memberships, the index of event ids and the checkpoint, all written in one transaction, so they
 * never disagree. A write costs rows in proportion to what it adds; no value grows with the log.
 */
export class ProjectionStore {
  private readonly db: Database.Database;
  private readonly statements;
  /** Checkpoints off the event loop, so that no save waits for one. */
  private readonly checkpointer?: WalCheckpointer;

  constructor(private readonly file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // Derived data: a crash may lose the last writes, never their consistency; they are folded again from the checkpoint.
    this.db.pragma('synchronous = NORMAL');
    if (file !== ':memory:') this.checkpointer = new WalCheckpointer(file, (pages) => this.db.pragma(`wal_autocheckpoint = ${pages}`));
    // Derived data of an older layout is dropped whole: the projector folds the log again.
    const idColumns = this.db.prepare<[], { name: string }>('PRAGMA table_info(ids)').all().map((c) => c.name);
    if (idColumns.length > 0 && !idColumns.includes('stored_id')) this.db.exec('DROP TABLE ids; DROP TABLE IF EXISTS checkpoint;');
    this.db.exec(`
      DROP TABLE IF EXISTS states;
      CREATE TABLE IF NOT EXISTS checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL, version TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS facts (position INTEGER PRIMARY KEY, json TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS members (partition TEXT NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (partition, position)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ids (
        id TEXT PRIMARY KEY, -- in its canonical form
        stored_id TEXT,      -- as stored, when that differs (an id stored before ids had one form)
        stream TEXT NOT NULL, revision INTEGER NOT NULL, position INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
    const db = this.db;
    this.statements = {
      checkpoint: db.prepare<[], Checkpoint>('SELECT position, version FROM checkpoint WHERE id = 1'),
      setCheckpoint: db.prepare(
        'INSERT INTO checkpoint (id, position, version) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position, version = excluded.version',
      ),
      fact: db.prepare('INSERT OR IGNORE INTO facts (position, json) VALUES (?, ?)'),
      member: db.prepare('INSERT OR IGNORE INTO members (partition, position) VALUES (?, ?)'),
      id: db.prepare('INSERT OR IGNORE INTO ids (id, stored_id, stream, revision, position) VALUES (?, ?, ?, ?, ?)'),
      partition: db.prepare<[string, number], { json: string }>(
        'SELECT f.json FROM members m JOIN facts f ON f.position = m.position WHERE m.partition = ? AND m.position <= ? ORDER BY m.position',
      ),
      size: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM members WHERE partition = ?'),
      locate: db.prepare<[string], EventLocation>('SELECT coalesce(stored_id, id) AS id, stream, revision, position FROM ids WHERE id = ?'),
      locateAll: db.prepare<[string], EventLocation>(
        'SELECT coalesce(stored_id, id) AS id, stream, revision, position FROM ids WHERE id IN (SELECT value FROM json_each(?))',
      ),
    };
  }

  checkpoint(): Checkpoint | null {
    return this.statements.checkpoint.get() ?? null;
  }

  /** The facts, their memberships, the ids and the new checkpoint, together. */
  write(facts: readonly FactRow[], ids: readonly EventLocation[], checkpoint: Checkpoint): void {
    this.db.transaction(() => {
      for (const f of facts) {
        this.statements.fact.run(f.position, f.json);
        for (const partition of f.partitions) this.statements.member.run(partition, f.position);
      }
      for (const e of ids) {
        const id = canonicalId(e.id);
        this.statements.id.run(id, id === e.id ? null : e.id, e.stream, e.revision, e.position);
      }
      this.statements.setCheckpoint.run(checkpoint.position, checkpoint.version);
    })();
    let bytes = ids.length * 64;
    for (const f of facts) bytes += f.json.length;
    this.checkpointer?.wrote(bytes);
  }

  /** The JSON of a partition's facts up to a position, in log order. */
  partition(name: string, upTo: Position): string[] {
    return this.statements.partition.all(name, upTo).map((r) => r.json);
  }

  partitionSize(name: string): number {
    return this.statements.size.get(name)!.n;
  }

  /** Where an id was stored, whatever its letter case; `id` in the answer is as stored. */
  locate(id: string): EventLocation | null {
    return this.statements.locate.get(canonicalId(id)) ?? null;
  }

  /** The ids of a batch that are stored, in one query. */
  locateAll(ids: readonly string[]): EventLocation[] {
    return this.statements.locateAll.all(JSON.stringify(ids.map(canonicalId)));
  }

  /** Forgets everything: the next fold starts from the beginning of the log. */
  clear(): void {
    this.db.exec('DELETE FROM facts; DELETE FROM members; DELETE FROM ids; DELETE FROM checkpoint;');
  }

  /** Bytes on disk, the write-ahead log included. */
  bytes(): number {
    if (this.file === ':memory:') return 0;
    const size = (f: string) => { try { return statSync(f).size; } catch { return 0; } };
    return size(this.file) + size(`${this.file}-wal`);
  }

  close(): void {
    void this.checkpointer?.close();
    if (this.db.open) this.db.close();
  }
}
