/**
 * The defences against hostile traffic, from the environment (README "Configuration"):
 * - RATE_LIMIT_PER_MINUTE: requests a client may make in a minute, counted per API key (by its hash)
 *   when a configured key is given, else per client IP; 0 turns rate limiting off.
 * - LIVE_MAX_PER_CLIENT: live (SSE) streams a client may hold open at once, counted the same way; 0: no limit.
 * - HTTP_HEADERS_TIMEOUT_MS / HTTP_REQUEST_TIMEOUT_MS: how long a client may take to send its headers,
 *   and its whole request (headers and body); a slow-loris client is cut off with 408. A live stream's
 *   request is whole once its headers are in, so these never end a stream.
 * - CORS_ORIGINS: origins allowed to call from a browser, comma-separated (`*` for any); unset: no CORS headers.
 *
 * The two limits per client default to 6,000 a minute and 50 streams when API keys are configured (a
 * server on the network). In open local mode (no API_KEYS) the server listens on loopback only, where
 * every client has the same IP, so they are off unless set: a local dashboard, bench or test with a
 * few hundred live clients is not one client.
 */
export interface TrafficConfig {
  ratePerMinute: number;
  liveMaxPerClient: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  corsOrigins: string[];
}

const whole = (env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number => {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) throw new Error(`${name}: "${text}" is not a whole number from ${min} to ${max}`);
  return n;
};

export function trafficConfig(env: NodeJS.ProcessEnv, withKeys: boolean): TrafficConfig {
  const headersTimeoutMs = whole(env, 'HTTP_HEADERS_TIMEOUT_MS', 20_000, 100, 600_000);
  const requestTimeoutMs = whole(env, 'HTTP_REQUEST_TIMEOUT_MS', 60_000, 100, 3_600_000);
  if (requestTimeoutMs < headersTimeoutMs) throw new Error(`HTTP_REQUEST_TIMEOUT_MS (${requestTimeoutMs}) must not be shorter than HTTP_HEADERS_TIMEOUT_MS (${headersTimeoutMs})`);
  const corsOrigins = (env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/i.test(origin)) throw new Error(`CORS_ORIGINS: "${origin}" is not an origin such as https://example.org (scheme and host, no path), nor *`);
  }
  return {
    ratePerMinute: whole(env, 'RATE_LIMIT_PER_MINUTE', withKeys ? 6_000 : 0, 0, 10_000_000),
    liveMaxPerClient: whole(env, 'LIVE_MAX_PER_CLIENT', withKeys ? 50 : 0, 0, 1_000_000),
    headersTimeoutMs,
    requestTimeoutMs,
    corsOrigins,
  };
}
