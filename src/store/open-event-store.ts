import { join } from 'node:path';
import { EventStore } from '../core/event-store/event-store';
import { KurrentDbEventStore, LEDGER_STREAMS } from '../core/event-store/kurrentdb/kurrentdb-event-store';
import { SqliteEventStore } from '../core/event-store/sqlite-event-store';

/** Where a log lives: a KurrentDB connection string, or the embedded store in a data directory. */
export interface LogLocation {
  kurrentdbUrl?: string | null;
  dataDir?: string;
}

/** Opens the log the configuration names: KurrentDB when a connection string is given, else the embedded store. */
export function openEventStore(location: LogLocation): EventStore {
  if (location.kurrentdbUrl) return new KurrentDbEventStore(location.kurrentdbUrl, { streams: LEDGER_STREAMS });
  if (!location.dataDir) throw new Error('No data directory for the embedded store');
  return new SqliteEventStore(join(location.dataDir, 'events.db'));
}

/** Whether `text` is a KurrentDB (or EventStoreDB) connection string. */
export const isKurrentDbUrl = (text: string): boolean => /^(kurrentdb|kdb|esdb|eventstore)(\+discover)?:\/\//i.test(text);
