import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { isRole, ROLES } from './access/roles';
import { TrafficConfig, trafficConfig } from './http/traffic-config';

/** API.md's configuration table, read from the environment (and .env, through @nestjs/config). */
export interface LedgerConfig {
  port: number;
  host: string;
  dataDir: string;
  datasets: string[];
  kurrentdbUrl: string | null;
  apiKeys: Array<{ key: string; role: string }>;
  logLevel: string;
  /** STREAM_TOKEN_SECONDS: how long a stream token from POST /auth/stream-token is accepted. */
  streamTokenSeconds: number;
  /** SIGNING_KEY: an Ed25519 private key (PKCS#8 PEM, or its DER in base64) that signs /audit/heads; null: the one kept in DATA_DIR/signing-key.pem (made on first start). */
  signingKey: string | null;
  live: {
    heartbeatMs: number;
    bufferBytes: number;
    recentUpdates: number;
    recentBytes: number;
    replayAppends: number;
  };
  /** Rate limits, open live streams per client, slow-client timeouts, CORS: src/http/traffic-config.ts. */
  traffic: TrafficConfig;
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
    .map((pair, index) => {
      const at = pair.lastIndexOf(':');
      // Never echo a key: it is a secret. Name the entry by its place in the list.
      if (at <= 0 || at === pair.length - 1) throw new Error(`API_KEYS: entry ${index + 1} is not key:role`);
      const key = pair.slice(0, at);
      const role = pair.slice(at + 1).trim();
      if (!isRole(role)) throw new Error(`API_KEYS: entry ${index + 1} has the unknown role "${role}" (the roles are ${ROLES.join(', ')})`);
      if (/\s/.test(key)) throw new Error(`API_KEYS: entry ${index + 1} has a key with white space in it`);
      return { key, role };
    });
  if (new Set(apiKeys.map((k) => k.key)).size !== apiKeys.length) throw new Error('API_KEYS: the same key is given twice');
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT: "${env.PORT}" is not a port number`);
  const kurrentdbUrl = env.KURRENTDB_URL?.trim() || null;
  const datasets = (env.DATASETS ?? (kurrentdbUrl ? 'none' : 'kazakhstan-2022'))
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d && d !== 'none');
  return {
    port,
    // API.md: 0.0.0.0 with keys, loopback without (and main.ts refuses a HOST off loopback with no keys).
    host: env.HOST?.trim() || (apiKeys.length > 0 ? '0.0.0.0' : '127.0.0.1'),
    dataDir: resolve(env.DATA_DIR?.trim() || './data'),
    datasets,
    kurrentdbUrl,
    apiKeys,
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    streamTokenSeconds: whole(env, 'STREAM_TOKEN_SECONDS', 300, 1, 24 * 3600),
    signingKey: env.SIGNING_KEY?.trim() || null,
    live: {
      heartbeatMs: whole(env, 'LIVE_HEARTBEAT_MS', 15_000, 10),
      bufferBytes: whole(env, 'LIVE_BUFFER_BYTES', 8 * 2 ** 20, 1024),
      recentUpdates: whole(env, 'LIVE_RECENT_UPDATES', 64),
      recentBytes: whole(env, 'LIVE_RECENT_BYTES', 32 * 2 ** 20, 1024),
      replayAppends: whole(env, 'LIVE_REPLAY_APPENDS', 1000),
    },
    traffic: trafficConfig(env, apiKeys.length > 0),
  };
}

export const LEDGER_CONFIG = 'ledger';

/** Whether a listen address is on this machine only. */
export const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.')) || host === '::ffff:127.0.0.1';

/** Why the server must not start with this configuration (an open server on the network), or null. */
export function listenRefusal(config: Pick<LedgerConfig, 'host' | 'apiKeys'>): string | null {
  if (config.apiKeys.length > 0 || isLoopback(config.host)) return null;
  return `HOST: "${config.host}" is not a loopback address, and no API_KEYS are configured: an open server must stay on loopback (set API_KEYS, or HOST=127.0.0.1)`;
}
