import { resolve } from 'node:path';

/** API.md's configuration table, read from the environment (and .env, through @nestjs/config). */
export interface LedgerConfig {
  port: number;
  host: string;
  dataDir: string;
  datasets: string[];
  kurrentdbUrl: string | null;
  apiKeys: Array<{ key: string; role: string }>;
  logLevel: string;
}

export function ledgerConfig(env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  const apiKeys = (env.API_KEYS ?? '')
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const at = pair.lastIndexOf(':');
      if (at <= 0) throw new Error(`API_KEYS: "${pair}" is not key:role`);
      return { key: pair.slice(0, at), role: pair.slice(at + 1) };
    });
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT: "${env.PORT}" is not a port number`);
  const kurrentdbUrl = env.KURRENTDB_URL?.trim() || null;
  const datasets = (env.DATASETS ?? (kurrentdbUrl ? 'none' : 'kazakhstan-2022'))
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d && d !== 'none');
  return {
    port,
    // Keys are read but not enforced yet (access control is a later issue): until they are, keys never
    // widen the listen address. Only an explicit HOST puts the server on the network.
    host: env.HOST?.trim() || '127.0.0.1',
    dataDir: resolve(env.DATA_DIR?.trim() || './data'),
    datasets,
    kurrentdbUrl,
    apiKeys,
    logLevel: env.LOG_LEVEL?.trim() || 'info',
  };
}

export const LEDGER_CONFIG = 'ledger';
