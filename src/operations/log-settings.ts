import { resolve } from 'node:path';

/** Pino's levels, and Nest's names for two of them (log: info, verbose: trace). */
const LEVELS: Record<string, string> = {
  fatal: 'fatal', error: 'error', warn: 'warn', info: 'info', log: 'info', debug: 'debug', trace: 'trace', verbose: 'trace', silent: 'silent',
};

export interface LogSettings {
  /** The pino level: fatal, error, warn, info, debug, trace or silent. */
  level: string;
  /** LOG_FILE: the JSON lines are appended to this file instead of standard output. */
  file: string | null;
}

/**
 * LOG_LEVEL and LOG_FILE, checked: a bad value stops the start with one line (main.ts).
 * Unset LOG_LEVEL means info, except under jest (JEST_WORKER_ID set), where it means silent so the
 * specs' output stays quiet; a spec that reads the log sets LOG_LEVEL (and LOG_FILE) itself.
 */
export function logSettings(env: NodeJS.ProcessEnv = process.env): LogSettings {
  const text = env.LOG_LEVEL?.trim().toLowerCase();
  let level: string;
  if (!text) level = env.JEST_WORKER_ID !== undefined ? 'silent' : 'info';
  else if (text in LEVELS) level = LEVELS[text];
  else throw new Error(`LOG_LEVEL: "${env.LOG_LEVEL}" is not one of ${Object.keys(LEVELS).join(', ')}`);
  const file = env.LOG_FILE?.trim() || null;
  if (file !== null && /[\0\n\r]/.test(file)) throw new Error('LOG_FILE: the path holds a control character');
  return { level, file: file === null ? null : resolve(file) };
}
