import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** A curated data set: one incident, its sources and its events (events/<name>/ in the repository). */
export interface DataSet {
  name: string;
  incident: Record<string, unknown>;
  sources: Array<Record<string, unknown>>;
  events: unknown[];
}

export const DATASETS_DIR = resolve(__dirname, '..', '..', 'events');

const jsonLines = (file: string): unknown[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => ({ line: line.trim(), i }))
    .filter(({ line }) => line !== '' && !line.startsWith('//'))
    .map(({ line, i }) => {
      try {
        return JSON.parse(line) as unknown;
      } catch (error) {
        throw new Error(`${file}:${i + 1}: ${(error as Error).message}`);
      }
    });

/**
 * Reads a data set by name (a folder under events/), by folder path (incident.json, sources.jsonl,
 * events.jsonl), or from one JSON file { incident, sources, events }.
 */
export function readDataSet(nameOrPath: string): DataSet {
  const candidates = [join(DATASETS_DIR, nameOrPath), resolve(nameOrPath)];
  const path = candidates.find((p) => existsSync(p));
  if (!path) throw new Error(`No data set "${nameOrPath}": neither ${candidates.join(' nor ')} exists`);
  if (statSync(path).isFile()) {
    const { incident, sources, events } = JSON.parse(readFileSync(path, 'utf8')) as Omit<DataSet, 'name'>;
    return { name: nameOrPath, incident, sources: sources ?? [], events: events ?? [] };
  }
  return {
    name: nameOrPath,
    incident: JSON.parse(readFileSync(join(path, 'incident.json'), 'utf8')) as Record<string, unknown>,
    sources: jsonLines(join(path, 'sources.jsonl')) as Array<Record<string, unknown>>,
    events: existsSync(join(path, 'events.jsonl')) ? jsonLines(join(path, 'events.jsonl')) : [],
  };
}
