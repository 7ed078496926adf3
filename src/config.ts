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
  /** SIGNING_KEY: an Ed25519 private key (PKCS#8 PEM, or its DER in base64) that signs /audit/heads; null: the one kept in DATA_DIR/signing-key.pem (made on first start). */
  signingKey: string | null;
  live: {
    heartbeatMs: number;
    bufferBytes: number;
    recentUpdates: number;
    recentBytes: number;
    replayAppends: number;
  };
}

/** A whole number from the environment, within bounds, or the default when unset. */
const whole = (env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number => {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) throw new Error(`${name}: "${text}" is not a whole number from ${min} to ${max}`);
  return n;
};

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
    signingKey: env.SIGNING_KEY?.trim() || null,
    live: {
      heartbeatMs: whole(env, 'LIVE_HEARTBEAT_MS', 15_000, 10),
      bufferBytes: whole(env, 'LIVE_BUFFER_BYTES', 8 * 2 ** 20, 1024),
      recentUpdates: whole(env, 'LIVE_RECENT_UPDATES', 64),
      recentBytes: whole(env, 'LIVE_RECENT_BYTES', 32 * 2 ** 20, 1024),
      replayAppends: whole(env, 'LIVE_REPLAY_APPENDS', 1000),
    },
  };
}

export const LEDGER_CONFIG = 'ledger';
