import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { IdempotencyConflict, RevisionConflict } from '../errors';
import { canonical, contentOf, sha256 } from './chain';
import {
  AppendedEvent,
  AppendOptions,
  AppendResult,
  CommitHandler,
  EventStore,
  EventToAppend,
  GENESIS_HASH,
  ReadOptions,
  RecordedEvent,
  StreamHead,
  Subscription,
} from './event-store';

interface Row {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  json: string;
  hash: string;
  commit_position: number;
}

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
  CREATE UNIQUE INDEX IF NOT EXISTS events_id ON events(id);
  CREATE UNIQUE INDEX IF NOT EXISTS events_stream_revision ON events(stream, revision);
`;

const PAGE = 1000;

/**
 * The embedded log on better-sqlite3. Each append is one transaction, synced to disk (WAL,
 * synchronous=FULL) before the promise resolves. Positions are the table's rowids: they start at 1
 * and, since a rolled-back transaction leaves no row, have no gaps.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly handlers = new Set<CommitHandler>();
  private readonly statements;
  private readonly appendTx;

  constructor(file: string, private readonly now: () => Date = () => new Date()) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    const db = this.db;
    this.statements = {
      byId: db.prepare<[string], Row>('SELECT * FROM events WHERE id = ?'),
      head: db.prepare<[string], Row>('SELECT * FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1'),
      insert: db.prepare(
        'INSERT INTO events (position, id, stream, revision, type, json, hash, commit_position) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      lastPosition: db.prepare<[], { p: number | null }>('SELECT MAX(position) AS p FROM events'),
      readStream: db.prepare<[string, number, number], Row>(
        'SELECT * FROM events WHERE stream = ? AND revision > ? ORDER BY revision LIMIT ?',
      ),
      readAll: db.prepare<[number, number, number], Row>(
        'SELECT * FROM events WHERE position > ? AND position <= ? ORDER BY position LIMIT ?',
      ),
      catchUp: db.prepare<[number, number, number], Row>(
        'SELECT * FROM events WHERE position > ? AND commit_position IN ' +
          '(SELECT DISTINCT commit_position FROM events WHERE position > ? ORDER BY position LIMIT ?) ORDER BY position',
      ),
      heads: db.prepare<[], Row>(
        'SELECT e.* FROM events e JOIN (SELECT stream, MAX(revision) AS revision FROM events GROUP BY stream) h ' +
          'ON e.stream = h.stream AND e.revision = h.revision ORDER BY e.stream',
      ),
    };
    this.appendTx = db.transaction((stream: string, events: EventToAppend[], options: AppendOptions) =>
      this.appendInTransaction(stream, events, options),
    );
  }

  async appendToStream(stream: string, events: EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    const result = this.appendTx.immediate(stream, events, options);
    const written = result.events.filter((e) => !e.existing);
    if (written.length > 0) this.publish(written);
    return result;
  }

  private appendInTransaction(stream: string, events: EventToAppend[], options: AppendOptions): AppendResult {
    const answered: AppendedEvent[] = [];
    const fresh: Array<{ index: number; event: EventToAppend }> = [];
    const seen = new Set<string>();
    events.forEach((event, index) => {
      if (seen.has(event.id)) throw new IdempotencyConflict(event.id);
      seen.add(event.id);
      const row = this.statements.byId.get(event.id);
      if (!row) return fresh.push({ index, event });
      if (row.stream !== stream || contentOf(JSON.parse(row.json)) !== canonical({ ...event.body, id: event.id, type: event.type })) {
        throw new IdempotencyConflict(event.id);
      }
      answered[index] = { ...toRecorded(row), existing: true };
    });
    if (fresh.length === 0) {
      const last = answered.reduce((a, b) => (b.revision > a.revision ? b : a), answered[0]);
      return { events: answered, revision: last?.revision ?? -1, position: last?.position ?? 0, written: false };
    }
    const head = this.statements.head.get(stream);
    const current = head ? head.revision : -1;
    if (options.expectedRevision !== undefined && options.expectedRevision !== current) {
      throw new RevisionConflict(stream, options.expectedRevision, current);
    }
    let prevHash = head ? head.hash : GENESIS_HASH;
    let revision = current;
    let position = this.statements.lastPosition.get()!.p ?? 0;
    const commit = position + 1;
    const recordedAt = this.now().toISOString();
    for (const { index, event } of fresh) {
      revision += 1;
      position += 1;
      const stored = { ...event.body, id: event.id, type: event.type, revision, recordedAt, prevHash };
      const json = canonical(stored);
      const hash = sha256(json);
      this.statements.insert.run(position, event.id, stream, revision, event.type, json, hash, commit);
      answered[index] = {
        id: event.id, type: event.type, stream, revision, position, commit, recordedAt, prevHash, hash, json,
        event: stored, existing: false,
      };
      prevHash = hash;
    }
    return { events: answered, revision, position, written: true };
  }

  async readStream(stream: string, options: ReadOptions = {}): Promise<RecordedEvent[]> {
    return this.statements.readStream
      .all(stream, options.after ?? -1, options.limit ?? Number.MAX_SAFE_INTEGER)
      .map(toRecorded);
  }

  async readAll(options: ReadOptions = {}): Promise<RecordedEvent[]> {
    return this.readAllSync(options.after ?? 0, options.upTo ?? Number.MAX_SAFE_INTEGER, options.limit ?? Number.MAX_SAFE_INTEGER);
  }

  private readAllSync(after: number, upTo: number, limit: number): RecordedEvent[] {
    return this.statements.readAll.all(after, upTo, limit).map(toRecorded);
  }

  subscribe(after: number, handler: CommitHandler): Subscription {
    // better-sqlite3 is synchronous: nothing can commit between the catch-up and the registration.
    let from = after;
    for (;;) {
      const page = this.statements.catchUp.all(from, from, PAGE).map(toRecorded);
      if (page.length === 0) break;
      for (const commit of byCommit(page)) handler(commit);
      from = page[page.length - 1].position;
    }
    this.handlers.add(handler);
    return { close: () => void this.handlers.delete(handler) };
  }

  private publish(events: RecordedEvent[]): void {
    const inOrder = [...events].sort((a, b) => a.position - b.position);
    for (const handler of this.handlers) handler(inOrder);
  }

  async readEvent(id: string): Promise<RecordedEvent | null> {
    const row = this.statements.byId.get(id);
    return row ? toRecorded(row) : null;
  }

  async streamHead(stream: string): Promise<StreamHead | null> {
    const row = this.statements.head.get(stream);
    return row ? toHead(row) : null;
  }

  async streams(): Promise<StreamHead[]> {
    return this.statements.heads.all().map(toHead);
  }

  async headPosition(): Promise<number> {
    return this.statements.lastPosition.get()!.p ?? 0;
  }

  async close(): Promise<void> {
    this.handlers.clear();
    if (this.db.open) this.db.close();
  }
}

const toRecorded = (row: Row): RecordedEvent => {
  const event = JSON.parse(row.json) as Record<string, unknown>;
  return {
    id: row.id, type: row.type, stream: row.stream, revision: row.revision, position: row.position,
    recordedAt: event.recordedAt as string, prevHash: event.prevHash as string, hash: row.hash, json: row.json,
    event, commit: row.commit_position,
  };
};

const toHead = (row: Row): StreamHead => ({ stream: row.stream, revision: row.revision, hash: row.hash, position: row.position });

function* byCommit(events: RecordedEvent[]): Generator<RecordedEvent[]> {
  let group: RecordedEvent[] = [];
  for (const e of events) {
    if (group.length > 0 && group[0].commit !== e.commit) {
      yield group;
      group = [];
    }
    group.push(e);
  }
  if (group.length > 0) yield group;
}
