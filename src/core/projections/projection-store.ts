import Database from 'better-sqlite3';
import { mkdirSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
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

// The writes run in a worker thread with its own connection, in the order they were handed over, so a
// save (and SQLite's checkpoints, which the writing connection makes) never blocks the event loop.
// Until the worker says a write is committed, its facts and ids are answered from memory.
const WRITER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
const fact = db.prepare('INSERT OR IGNORE INTO facts (position, json) VALUES (?, ?)');
const member = db.prepare('INSERT OR IGNORE INTO members (partition, position) VALUES (?, ?)');
const id = db.prepare('INSERT OR IGNORE INTO ids (id, stored_id, stream, revision, position) VALUES (?, ?, ?, ?, ?)');
const checkpoint = db.prepare('INSERT INTO checkpoint (id, position, version) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position, version = excluded.version');
const write = db.transaction((m) => {
  for (const f of m.facts) {
    fact.run(f.position, f.json);
    for (const p of f.partitions) member.run(p, f.position);
  }
  for (const e of m.ids) id.run(e.id, e.storedId, e.stream, e.revision, e.position);
  checkpoint.run(m.checkpoint.position, m.checkpoint.version);
});
let failed = null;
// Writes wait here in order; one that finds the disk full is tried again (with those after it kept
// waiting) until there is room, so a full disk delays the saves without losing or reordering any.
const queue = [];
let retry = null;
let closing = false;
const full = (error) => /SQLITE_FULL|database or disk is full|ENOSPC/.test(String((error && error.code) || '') + String(error));
const run = () => {
  retry = null;
  while (queue.length > 0) {
    const m = queue[0];
    // After a failed write nothing more is written: a later checkpoint must never pass facts that were not saved.
    if (failed) { queue.shift(); parentPort.postMessage({ seq: m.seq, failed }); continue; }
    try { write(m); queue.shift(); parentPort.postMessage({ seq: m.seq }); }
    catch (error) {
      if (full(error) && !closing) { retry = setTimeout(run, 250); return; }
      failed = String((error && error.stack) || error);
    }
  }
  if (closing) { db.close(); parentPort.close(); }
};
parentPort.on('message', (m) => {
  if (m.type === 'close') { closing = true; if (retry) { clearTimeout(retry); } run(); return; }
  queue.push(m);
  if (!retry && queue.length === 1) run();
});
`;

interface InFlight {
  seq: number;
  facts: readonly FactRow[];
  ids: readonly EventLocation[];
}

/**
 * The projector's durable state in a SQLite file beside the log: each fact once, its partition
 * memberships, the index of event ids and the checkpoint, all written in one transaction, so they
 * never disagree. A write costs rows in proportion to what it adds; no value grows with the log.
 */
export class ProjectionStore {
  private readonly db: Database.Database;
  private readonly statements;
  private writer?: Worker;
  /** Bytes written on this thread; past a megabyte the writer thread takes over (a small store never needs it). */
  private writtenHere = 0;
  private seq = 0;
  private readonly inFlight: InFlight[] = [];
  private readonly inFlightIds = new Map<string, EventLocation>();
  private inFlightFacts = 0;
  private waiters: Array<() => void> = [];
  private failure: Error | null = null;
  private readonly failureListeners: Array<(error: Error) => void> = [];

  constructor(private readonly file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // Derived data: a crash may lose the last writes, never their consistency; they are folded again from the checkpoint.
    this.db.pragma('synchronous = NORMAL');
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
      partition: db.prepare<[string, number], { position: number; json: string }>(
        'SELECT f.position, f.json FROM members m JOIN facts f ON f.position = m.position WHERE m.partition = ? AND m.position <= ? ORDER BY m.position',
      ),
      size: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM members WHERE partition = ?'),
      locate: db.prepare<[string], EventLocation>('SELECT coalesce(stored_id, id) AS id, stream, revision, position FROM ids WHERE id = ?'),
      locateAll: db.prepare<[string], EventLocation>(
        'SELECT coalesce(stored_id, id) AS id, stream, revision, position FROM ids WHERE id IN (SELECT value FROM json_each(?))',
      ),
    };
  }

  private startWriter(): Worker {
    const writer = new Worker(WRITER, { eval: true, workerData: { file: this.file, driver: require.resolve('better-sqlite3') } });
    writer.unref();
    writer.on('message', (m: { seq: number; failed?: string }) => this.written(m));
    writer.on('error', (error) => this.fail(error));
    return writer;
  }

  /** Called with the error when a write fails: the projector stops (it resumes from the last checkpoint after a restart). */
  onFailure(listener: (error: Error) => void): void {
    this.failureListeners.push(listener);
  }

  /** Facts handed over and not yet committed. */
  backlog(): number {
    return this.inFlightFacts;
  }

  /** Resolves once no more than `facts` facts wait to be committed (every write, by default). */
  async drain(facts = 0): Promise<void> {
    // Every write, when asked for all (a write of ids alone counts, too); else until the facts are few enough.
    const waiting = () => this.inFlight.length > 0 && (facts === 0 || this.inFlightFacts > facts);
    while (waiting() && !this.failure) await new Promise<void>((resolve) => this.waiters.push(resolve));
    if (this.failure) throw this.failure;
  }

  private written({ seq, failed }: { seq: number; failed?: string }): void {
    if (failed) {
      this.fail(new Error(`Saving the projections failed: ${failed}`));
      return;
    }
    while (this.inFlight.length > 0 && this.inFlight[0].seq <= seq) {
      const done = this.inFlight.shift()!;
      this.inFlightFacts -= done.facts.length;
      for (const e of done.ids) {
        const key = canonicalId(e.id);
        if (this.inFlightIds.get(key) === e) this.inFlightIds.delete(key);
      }
    }
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const resolve of this.waiters.splice(0)) resolve();
    for (const listener of this.failureListeners) listener(error);
  }

  checkpoint(): Checkpoint | null {
    return this.statements.checkpoint.get() ?? null;
  }

  /** The facts, their memberships, the ids and the new checkpoint, together (committed by the writer thread, in order). */
  write(facts: readonly FactRow[], ids: readonly EventLocation[], checkpoint: Checkpoint): void {
    if (this.failure) throw this.failure;
    const rows = ids.map((e) => {
      const id = canonicalId(e.id);
      return { id, storedId: id === e.id ? null : e.id, stream: e.stream, revision: e.revision, position: e.position };
    });
    if (!this.writer && this.file !== ':memory:' && this.writtenHere > 1 << 20) this.writer = this.startWriter();
    if (!this.writer) {
      for (const f of facts) this.writtenHere += f.json.length;
      this.db.transaction(() => {
        for (const f of facts) {
          this.statements.fact.run(f.position, f.json);
          for (const partition of f.partitions) this.statements.member.run(partition, f.position);
        }
        for (const e of rows) this.statements.id.run(e.id, e.storedId, e.stream, e.revision, e.position);
        this.statements.setCheckpoint.run(checkpoint.position, checkpoint.version);
      })();
      return;
    }
    const seq = ++this.seq;
    this.inFlight.push({ seq, facts, ids });
    this.inFlightFacts += facts.length;
    for (const e of ids) {
      const key = canonicalId(e.id);
      if (!this.inFlightIds.has(key)) this.inFlightIds.set(key, e);
    }
    this.writer.postMessage({ seq, facts, ids: rows, checkpoint });
  }

  /** The JSON of a partition's facts up to a position, in log order (what is being written included). */
  partition(name: string, upTo: Position): string[] {
    const rows = this.statements.partition.all(name, upTo);
    if (this.inFlight.length === 0) return rows.map((r) => r.json);
    const saved = new Set(rows.map((r) => r.position));
    const writing: Array<{ position: number; json: string }> = [];
    for (const batch of this.inFlight) {
      for (const f of batch.facts) if (f.position <= upTo && !saved.has(f.position) && f.partitions.includes(name)) writing.push(f);
    }
    if (writing.length === 0) return rows.map((r) => r.json);
    return [...rows, ...writing].sort((a, b) => a.position - b.position).map((r) => r.json);
  }

  partitionSize(name: string): number {
    return this.statements.size.get(name)!.n;
  }

  /** Where an id was stored, whatever its letter case; `id` in the answer is as stored. */
  locate(id: string): EventLocation | null {
    const key = canonicalId(id);
    return this.statements.locate.get(key) ?? this.inFlightIds.get(key) ?? null;
  }

  /** The ids of a batch that are stored, in one query. */
  locateAll(ids: readonly string[]): EventLocation[] {
    const keys = ids.map(canonicalId);
    const saved = this.statements.locateAll.all(JSON.stringify(keys));
    if (this.inFlightIds.size === 0) return saved;
    const found = new Set(saved.map((l) => canonicalId(l.id)));
    const writing = [...new Set(keys)].filter((k) => !found.has(k) && this.inFlightIds.has(k)).map((k) => this.inFlightIds.get(k)!);
    return [...saved, ...writing];
  }

  /** Forgets everything, once what is being written is written: the next fold starts from the beginning of the log. */
  async clear(): Promise<void> {
    await this.drain();
    this.db.exec('DELETE FROM facts; DELETE FROM members; DELETE FROM ids; DELETE FROM checkpoint;');
  }

  /** Bytes on disk, the write-ahead log included. */
  bytes(): number {
    if (this.file === ':memory:') return 0;
    const size = (f: string) => { try { return statSync(f).size; } catch { return 0; } };
    return size(this.file) + size(`${this.file}-wal`);
  }

  /** Waits (a few seconds at most) for what is being written, then closes the writer and the connection. */
  async close(): Promise<void> {
    if (this.writer) {
      await Promise.race([this.drain().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      const exited = new Promise((resolve) => this.writer!.once('exit', resolve));
      this.writer.postMessage({ type: 'close' });
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      await this.writer.terminate();
    }
    if (this.db.open) this.db.close();
  }
}
