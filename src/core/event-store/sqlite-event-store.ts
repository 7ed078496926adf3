import Database from 'better-sqlite3';
import { WalCheckpointer } from '../wal-checkpointer';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { IdempotencyConflict, InvalidChain, RevisionConflict } from '../errors';
import { canonical, contentOf, sha256 } from './chain';
import {
  AppendedEvent, AppendOptions, AppendResult, EventStore, EventToAppend, GENESIS_HASH, ImportOutcome, ReadOptions, RecordedEvent, StreamHead,
  Subscription, SubscriptionHandler,
} from './event-store';
import { checkImportedAppend } from './imported-append';
import { LogSubscription } from './log-subscription';
import { Position, START } from './position';

interface Row {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  json: string;
  hash: string;
  commit_position: number;
  append_id: string;
  append_count: number;
}

// Ids are unique per stream, not across the log: the application keeps its own index of ids
// (docs/adr/0001-event-store-port.md). The key clusters by stream, so a bulk append touches one
// region of the index however large the log grows.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    stream TEXT NOT NULL,
    revision INTEGER NOT NULL,
    type TEXT NOT NULL,
    json TEXT NOT NULL,
    hash TEXT NOT NULL,
    commit_position INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX IF NOT EXISTS events_stream_revision ON events(stream, revision);
`;

/** Brings a log written by the first version of this store to the current schema, in place. */
function migrate(db: Database.Database): void {
  const columns = db.prepare<[], { name: string }>('PRAGMA table_info(events)').all().map((c) => c.name);
  db.transaction(() => {
    if (!columns.includes('append_id')) {
      db.exec(`
        ALTER TABLE events ADD COLUMN append_id TEXT NOT NULL DEFAULT '';
        ALTER TABLE events ADD COLUMN append_count INTEGER NOT NULL DEFAULT 1;
        UPDATE events SET append_id = 'commit-' || commit_position,
          append_count = (SELECT COUNT(*) FROM events e WHERE e.commit_position = events.commit_position);
      `);
    }
    db.exec('DROP INDEX IF EXISTS events_id; CREATE UNIQUE INDEX IF NOT EXISTS events_stream_id ON events(stream, id);');
  })();
}

/**
 * The embedded log on better-sqlite3. Each append is one transaction, synced to disk (WAL,
 * synchronous=FULL) before the promise resolves. Positions are the table's rowids: they start at 1
 * and, since a rolled-back transaction leaves no row, have no gaps; the events of one append have
 * consecutive positions. Subscribers are told of each append after it returns, never on its stack.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly subscriptions = new Set<LogSubscription>();
  private readonly statements;
  private readonly appendTx;
  private readonly importTx;
  /** Checkpoints the log off the event loop, so that no append waits for one. */
  private readonly checkpointer?: WalCheckpointer;

  constructor(file: string, private readonly now: () => Date = () => new Date()) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    migrate(this.db);
    if (file !== ':memory:') this.checkpointer = new WalCheckpointer(file, (pages) => this.db.pragma(`wal_autocheckpoint = ${pages}`));
    const db = this.db;
    this.statements = {
      byStreamAndId: db.prepare<[string, string], Row>('SELECT * FROM events WHERE stream = ? AND id = ?'),
      head: db.prepare<[string], Row>('SELECT * FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1'),
      insert: db.prepare(
        'INSERT INTO events (position, id, stream, revision, type, json, hash, commit_position, append_id, append_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      lastPosition: db.prepare<[], { p: number | null }>('SELECT MAX(position) AS p FROM events'),
      atRevision: db.prepare<[string, number], Row>('SELECT * FROM events WHERE stream = ? AND revision = ?'),
      readStream: db.prepare<[string, number, number], Row>(
        'SELECT * FROM events WHERE stream = ? AND revision > ? ORDER BY revision LIMIT ?',
      ),
      readAll: db.prepare<[number, number, number], Row>(
        'SELECT * FROM events WHERE position > ? AND position <= ? ORDER BY position LIMIT ?',
      ),
    };
    this.appendTx = db.transaction((stream: string, events: EventToAppend[], options: AppendOptions) =>
      this.appendInTransaction(stream, events, options),
    );
    this.importTx = db.transaction((stream: string, events: RecordedEvent[]) => this.importInTransaction(stream, events));
  }

  async appendToStream(stream: string, events: EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    const result = this.appendTx.immediate(stream, events, options);
    const written = result.events.filter((e) => !e.existing).sort((a, b) => a.position - b.position);
    let bytes = 0;
    for (const e of written) bytes += e.json.length;
    this.checkpointer?.wrote(bytes);
    if (written.length > 0) for (const subscription of this.subscriptions) subscription.published(written);
    return result;
  }

  private appendInTransaction(stream: string, events: EventToAppend[], options: AppendOptions): AppendResult {
    const answered: AppendedEvent[] = [];
    const fresh: Array<{ index: number; event: EventToAppend }> = [];
    const seen = new Set<string>();
    events.forEach((event, index) => {
      if (seen.has(event.id)) throw new IdempotencyConflict(event.id);
      seen.add(event.id);
      const row = this.statements.byStreamAndId.get(stream, event.id);
      if (!row) return fresh.push({ index, event });
      if (contentOf(JSON.parse(row.json)) !== canonical({ ...event.body, id: event.id, type: event.type })) {
        throw new IdempotencyConflict(event.id);
      }
      answered[index] = { ...toRecorded(row), existing: true };
    });
    if (fresh.length === 0) {
      const last = answered.reduce((a, b) => (b.revision > a.revision ? b : a), answered[0]);
      return { events: answered, revision: last?.revision ?? -1, position: last?.position ?? START, written: false };
    }
    const head = this.statements.head.get(stream);
    const current = head ? head.revision : -1;
    if (options.expectedRevision !== undefined && options.expectedRevision !== current) {
      throw new RevisionConflict(stream, options.expectedRevision, current);
    }
    let prevHash = head ? head.hash : GENESIS_HASH;
    let revision = current;
    let position = this.statements.lastPosition.get()!.p ?? START;
    const commit = position + 1;
    const append = { id: randomUUID(), count: fresh.length };
    const recordedAt = this.now().toISOString();
    for (const [i, { index, event }] of fresh.entries()) {
      revision += 1;
      position += 1;
      const json = canonical({ ...event.body, id: event.id, type: event.type, revision, recordedAt, prevHash });
      const hash = sha256(json);
      this.statements.insert.run(position, event.id, stream, revision, event.type, json, hash, commit, append.id, append.count);
      answered[index] = {
        id: event.id, type: event.type, stream, revision, position, append: { ...append, index: i }, recordedAt, prevHash, hash, json,
        // Parsed from the bytes that were hashed, as every later reader gets it: live and rebuilt folds see the same event.
        event: JSON.parse(json) as Record<string, unknown>, existing: false,
      };
      prevHash = hash;
    }
    return { events: answered, revision, position, written: true };
  }

  async importAppend(stream: string, events: RecordedEvent[]): Promise<ImportOutcome> {
    const written = this.importTx.immediate(stream, events);
    if (written.length > 0) for (const subscription of this.subscriptions) subscription.published(written);
    return written.length > 0 ? 'written' : 'present';
  }

  private importInTransaction(stream: string, events: RecordedEvent[]): RecordedEvent[] {
    const head = this.statements.head.get(stream);
    const current = head ? head.revision : -1;
    const first = events[0]?.revision ?? current + 1;
    if (current >= first) {
      const same = events.every((e) => this.statements.atRevision.get(stream, e.revision)?.hash === e.hash);
      if (same) return [];
      throw new InvalidChain(stream, first, 'the stream already holds other events at these revisions');
    }
    if (current !== first - 1) throw new RevisionConflict(stream, first - 1, current);
    checkImportedAppend(stream, events, current, head ? head.hash : GENESIS_HASH);
    let position = this.statements.lastPosition.get()!.p ?? START;
    const commit = position + 1;
    return events.map((e) => {
      position += 1;
      this.statements.insert.run(position, e.id, stream, e.revision, e.type, e.json, e.hash, commit, e.append.id, e.append.count);
      return { ...e, position };
    });
  }

  async readStream(stream: string, options: ReadOptions = {}): Promise<RecordedEvent[]> {
    return this.statements.readStream
      .all(stream, options.after ?? -1, options.limit ?? Number.MAX_SAFE_INTEGER)
      .map(toRecorded);
  }

  async readAll(options: ReadOptions = {}): Promise<RecordedEvent[]> {
    return this.statements.readAll
      .all(options.after ?? START, options.upTo ?? Number.MAX_SAFE_INTEGER, options.limit ?? Number.MAX_SAFE_INTEGER)
      .map(toRecorded);
  }

  subscribe(after: Position, handler: SubscriptionHandler): Subscription {
    const subscription = new LogSubscription({ page: (from, limit) => this.page(from, limit) }, after, handler, (s) => this.subscriptions.delete(s));
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** A page of the log that ends on a complete append (an append's positions are consecutive). */
  private page(after: Position, limit: number): RecordedEvent[] {
    const rows = this.statements.readAll.all(after, Number.MAX_SAFE_INTEGER, limit);
    const last = rows.at(-1);
    if (last) {
      const end = last.commit_position + last.append_count - 1;
      if (end > last.position) rows.push(...this.statements.readAll.all(last.position, end, end - last.position));
    }
    return rows.map(toRecorded);
  }

  async streamHead(stream: string): Promise<StreamHead | null> {
    const row = this.statements.head.get(stream);
    return row ? { stream: row.stream, revision: row.revision, hash: row.hash, position: row.position } : null;
  }

  async headPosition(): Promise<Position> {
    return this.statements.lastPosition.get()!.p ?? START;
  }

  async close(): Promise<void> {
    for (const subscription of [...this.subscriptions]) subscription.close();
    await this.checkpointer?.close();
    if (this.db.open) this.db.close();
  }
}

const toRecorded = (row: Row): RecordedEvent => {
  const event = JSON.parse(row.json) as Record<string, unknown>;
  return {
    id: row.id, type: row.type, stream: row.stream, revision: row.revision, position: row.position,
    append: { id: row.append_id, index: row.position - row.commit_position, count: row.append_count },
    recordedAt: event.recordedAt as string, prevHash: event.prevHash as string, hash: row.hash, json: row.json, event,
  };
};
