import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventStore } from '../src/core/event-store/event-store';
import { EVENT_STORE } from '../src/core/event-store/event-store.token';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { freshIncident, killed } from './support/fixtures';
import { removeDir, Reply, RunningLedger, startLedger, tempDataDir } from './support/ledger';
import { SseClient } from './support/sse';

// API.md "Health and operations": request ids, the JSON log lines, GET /metrics and the health probes,
// on a real server whose log is written to a file (LOG_FILE) that the spec reads.

const KEYS = { admin: `admin-${randomUUID()}`, reader: `reader-${randomUUID()}`, reporter: `reporter-${randomUUID()}` };
type Role = keyof typeof KEYS;
const bearer = (role: Role) => ({ authorization: `Bearer ${KEYS[role]}` });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let ledger: RunningLedger;
let logDir: string;
let logFile: string;
const as = (role: Role): RunningLedger => ({ ...ledger, call: (method, path, body, headers = {}) => ledger.call(method, path, body, { ...bearer(role), ...headers }) });
const get = (path: string, headers: Record<string, string> = {}): Promise<Reply> => ledger.call('GET', path, undefined, headers);

interface LogLine {
  level: string;
  time: string;
  msg: string;
  requestId?: string;
  method?: string;
  url?: string;
  status?: number;
  durationMs?: number;
  [key: string]: unknown;
}
const logText = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
const logLines = (): LogLine[] => logText().split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogLine);
/** The request's line, once it is written (a line is written when the response has finished). */
async function lineOf(requestId: string): Promise<LogLine> {
  for (let i = 0; i < 100; i++) {
    const found = logLines().find((l) => l.requestId === requestId && l.status !== undefined);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no log line for request ${requestId}`);
}

/** Prometheus's text exposition format, parsed: `name{labels}` → value (labels sorted as written). */
function parseMetrics(text: string): { samples: Map<string, number>; types: Map<string, string> } {
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      types.set(name, type);
    } else if (line && !line.startsWith('#')) {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{.*\})?) (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      samples.set(match[1], Number(match[2]));
    }
  }
  return { samples, types };
}
async function scrape(): Promise<Map<string, number>> {
  const reply = await get('/metrics', bearer('reader'));
  expect(reply.status).toBe(200);
  return parseMetrics(reply.text).samples;
}

beforeAll(async () => {
  logDir = tempDataDir();
  logFile = join(logDir, 'ledger.log');
  const apiKeys = (Object.keys(KEYS) as Role[]).map((role) => `${KEYS[role]}:${role}`).join(',');
  ledger = await startLedger({ env: { API_KEYS: apiKeys, LOG_LEVEL: 'info', LOG_FILE: logFile } });
});
afterAll(async () => {
  await ledger?.stop();
  removeDir(ledger.dataDir);
  removeDir(logDir);
});

describe('request ids', () => {
  it('echoes a sane X-Request-Id, and gives a new one to a request without one or with one that is not sane', async () => {
    expect((await get('/health', { 'x-request-id': 'trace-4bf92f3577b34da6.a3ce:929d' })).headers.get('x-request-id')).toBe('trace-4bf92f3577b34da6.a3ce:929d');
    const fresh = (await get('/health')).headers.get('x-request-id');
    expect(fresh).toMatch(UUID);
    expect((await get('/health')).headers.get('x-request-id')).not.toBe(fresh);
    for (const insane of ['two words', 'x'.repeat(129), '-starts-with-a-dash', '<script>', 'a/b']) {
      expect((await get('/health', { 'x-request-id': insane })).headers.get('x-request-id')).toMatch(UUID);
    }
  });

  it('is on every answer, those refused before any route (a body that is not JSON, no key, an unknown path) too', async () => {
    const refusals = [
      await ledger.call('POST', '/sources', 'id=x', { 'content-type': 'application/x-www-form-urlencoded', ...bearer('reporter') }),
      await ledger.call('POST', '/sources', '{"id": ', bearer('reporter')),
      await get('/sources'),
      await get('/no/such/route', bearer('admin')),
    ];
    expect(refusals.map((r) => r.status)).toEqual([415, 400, 401, 404]);
    for (const reply of refusals) expect(reply.headers.get('x-request-id')).toMatch(UUID);
  });
});

describe('GET /metrics', () => {
  it('is for the reader role and up (a scrape key that can change nothing), in the text format 0.0.4', async () => {
    expect((await get('/metrics')).status).toBe(401);
    expect((await get('/metrics', bearer('reporter'))).status).toBe(403);
    const reply = await get('/metrics', bearer('reader'));
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect((await get('/metrics', bearer('admin'))).status).toBe(200);
    const { types } = parseMetrics(reply.text);
    expect(Object.fromEntries([...types].filter(([name]) => name.startsWith('ledger_')))).toEqual({
      ledger_appends_total: 'counter',
      ledger_append_duration_seconds: 'histogram',
      ledger_events_appended_total: 'counter',
      ledger_http_rejected_requests_total: 'counter',
      ledger_http_request_duration_seconds: 'histogram',
      ledger_projection_lag_positions: 'gauge',
      ledger_store_head_position: 'gauge',
      ledger_projection_checkpoint_position: 'gauge',
      ledger_projection_stopped: 'gauge',
      ledger_live_clients: 'gauge',
    });
    // The default Node process metrics, in the application's own registry.
    expect(types.get('process_cpu_seconds_total')).toBe('counter');
    expect(types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
  });

  it('is in the OpenAPI document: the reader role, a text/plain answer, the errors with the error body', async () => {
    const doc = (await get('/docs-json')).json;
    const operation = doc.paths['/metrics'].get;
    expect(operation['x-required-role']).toBe('reader');
    expect(operation.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(operation.responses['200'].content)).toEqual(['text/plain']);
    for (const status of ['400', '401', '403', '500']) expect(operation.responses[status].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ErrorBody' });
  });

  it('counts appends by outcome, their latency and events, rejected requests by status, the projection lag and live clients', async () => {
    const before = await scrape();
    const delta = (after: Map<string, number>, name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
    const reporter = as('reporter');
    const { incidentId, sourceId } = await freshIncident(as('admin'));
    const events = `/incidents/${incidentId}/events`;
    const single = killed(sourceId, 3);
    expect((await reporter.call('POST', events, single)).status).toBe(201);
    const batch = await reporter.call('POST', events, { events: [killed(sourceId, 4), killed(sourceId, 5), killed(sourceId, 6)] });
    expect(batch.status).toBe(201);
    expect((await reporter.call('POST', events, single)).status).toBe(200); // the same event again: nothing stored
    expect((await reporter.call('POST', events, killed('src-unknown', 7))).status).toBe(422);
    expect((await reporter.call('POST', events, { ...killed(sourceId, 8), type: 'NoSuchType' })).status).toBe(400);
    expect((await reporter.call('POST', `/incidents/inc-none/events`, killed(sourceId, 9))).status).toBe(404);
    expect((await get(`/incidents/${incidentId}/casualties`, bearer('reporter'))).status).toBe(403);

    const token = (await ledger.call('POST', '/auth/stream-token', {}, bearer('reader'))).json.token as string;
    const live = await SseClient.open(`${ledger.url}/incidents/${incidentId}/timeline/live?token=${encodeURIComponent(token)}`);
    try {
      expect(live.status).toBe(200);
      await live.waitFor(1);
      expect((await get('/health/ready')).status).toBe(200); // caught up
      const after = await scrape();
      expect(delta(after, 'ledger_appends_total{outcome="written"}')).toBe(2);
      expect(delta(after, 'ledger_appends_total{outcome="existing"}')).toBe(1);
      expect(delta(after, 'ledger_appends_total{outcome="refused"}')).toBe(3);
      expect(delta(after, 'ledger_events_appended_total')).toBe(4);
      expect(delta(after, 'ledger_append_duration_seconds_count{outcome="written"}')).toBe(2);
      expect(delta(after, 'ledger_append_duration_seconds_bucket{le="+Inf",outcome="written"}')).toBe(2);
      expect(after.get('ledger_append_duration_seconds_sum{outcome="written"}')).toBeGreaterThan(0);
      expect(delta(after, 'ledger_http_rejected_requests_total{status="422"}')).toBe(1);
      expect(delta(after, 'ledger_http_rejected_requests_total{status="400"}')).toBe(1);
      expect(delta(after, 'ledger_http_rejected_requests_total{status="404"}')).toBe(1);
      expect(delta(after, 'ledger_http_rejected_requests_total{status="403"}')).toBe(1);
      expect(delta(after, 'ledger_http_request_duration_seconds_count{method="POST",route="/incidents/:id/events",status="201"}')).toBe(2);
      expect(delta(after, 'ledger_http_request_duration_seconds_count{method="POST",route="/incidents/:id/events",status="200"}')).toBe(1);
      expect(after.get('ledger_live_clients{kind="views"}')).toBe(1);
      expect(after.get('ledger_live_clients{kind="events"}')).toBe(0);
      expect(after.get('ledger_projection_lag_positions')).toBe(0);
      expect(after.get('ledger_projection_stopped')).toBe(0);
      expect(after.get('ledger_store_head_position')).toBe(batch.json.position);
      expect(after.get('ledger_projection_checkpoint_position')).toBe(batch.json.position);
    } finally {
      live.close();
    }
    let clients = 1;
    for (let i = 0; i < 50 && clients !== 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      clients = (await scrape()).get('ledger_live_clients{kind="views"}') ?? -1;
    }
    expect(clients).toBe(0);
  });
});

describe('the log', () => {
  it('is one JSON line per request: its id, method, URL, status and duration; an expected 4xx is info with no stack', async () => {
    const requestId = `ops-${randomUUID()}`;
    await get('/health', { 'x-request-id': requestId });
    expect(await lineOf(requestId)).toMatchObject({ level: 'INFO', requestId, method: 'GET', url: '/health', status: 200, msg: 'GET /health 200' });
    expect(typeof (await lineOf(requestId)).durationMs).toBe('number');
    expect(Date.parse((await lineOf(requestId)).time)).not.toBeNaN();

    const refused = `ops-${randomUUID()}`;
    expect((await get('/sources/no-such-source', { ...bearer('reader'), 'x-request-id': refused })).status).toBe(404);
    const line = await lineOf(refused);
    expect(line).toMatchObject({ level: 'INFO', status: 404, url: '/sources/no-such-source' });
    expect(line).not.toHaveProperty('err');
    expect(JSON.stringify(line)).not.toMatch(/stack|\bat .*\.ts:\d+/);
    expect(logLines().filter((l) => l.level === 'ERROR')).toEqual([]);
  });

  it('never holds a key, an Authorization header or a stream token: a secret in the query is redacted', async () => {
    const token = (await ledger.call('POST', '/auth/stream-token', {}, bearer('reader'))).json.token as string;
    const requestId = `ops-${randomUUID()}`;
    const reply = await get(`/events/live?token=${encodeURIComponent(token)}&type=NoSuchType`, { 'x-request-id': requestId });
    expect(reply.status).toBe(400);
    expect((await lineOf(requestId)).url).toBe('/events/live?token=[REDACTED]&type=NoSuchType');
    const withKey = `ops-${randomUUID()}`;
    await get(`/health?api_key=${KEYS.admin}`, { ...bearer('admin'), 'x-request-id': withKey });
    expect((await lineOf(withKey)).url).toBe('/health?api_key=[REDACTED]');
    const text = logText();
    expect(text.length).toBeGreaterThan(0);
    for (const secret of [...Object.values(KEYS), token, encodeURIComponent(token)]) expect(text).not.toContain(secret);
    expect(text.toLowerCase()).not.toContain('bearer');
    expect(text.toLowerCase()).not.toContain('authorization');
  });
});

describe('GET /health and /health/ready', () => {
  it('answers ready while the store answers and the projections have caught up; 503 with the reason once the projector has stopped', async () => {
    expect((await get('/health')).json).toMatchObject({ status: 'ok' });
    const ready = await get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.json).toMatchObject({ status: 'ok', details: { store: { status: 'up' }, projections: { status: 'up', lag: 0 } } });
    expect(ready.json.details.projections.position).toBe(ready.json.details.store.head);

    // An event that cannot be folded (test/projector-failure.e2e.spec.ts): the projector stops.
    const { incidentId, sourceId } = await freshIncident(as('admin'));
    const { data: _d, ...envelope } = killed(sourceId, 4);
    await ledger.app.get<EventStore>(EVENT_STORE).appendToStream(`incident-${incidentId}`, [{
      id: randomUUID(), type: 'CasualtiesReported',
      body: { ...envelope, incidentId, schemaVersion: 0, occurredAt: '2022-01-06T00:00:00.000Z', occurredPrecision: 'day', reportedAt: '2022-01-07T06:00:00.000Z', data: { count: 4 } },
    }]);
    const requestId = `ops-${randomUUID()}`;
    let notReady = await get('/health/ready', { 'x-request-id': requestId });
    for (let i = 0; i < 100 && notReady.status === 200; i++) {
      await new Promise((r) => setTimeout(r, 20));
      notReady = await get('/health/ready', { 'x-request-id': requestId });
    }
    expect(notReady.status).toBe(503);
    expect(notReady.json).toMatchObject({ statusCode: 503, error: 'Service Unavailable', details: [expect.objectContaining({ field: 'projections', message: expect.stringContaining('No upcaster') })] });
    expect((await get('/health')).status).toBe(200);
    expect((await scrape()).get('ledger_projection_stopped')).toBe(1);

    // A 503 is a warning on the request's line, with no stack.
    const line = (await lineOf(requestId), logLines().filter((l) => l.requestId === requestId && l.status === 503)[0]);
    expect(line).toMatchObject({ level: 'WARN', status: 503, url: '/health/ready' });
    expect(JSON.stringify(line)).not.toContain('stack');
  });
});

describe('an unexpected error', () => {
  it('is logged as an error with its stack, bound to the request id, and its request line is an error too', async () => {
    // Nest's Logger through the JSON logger, as main.ts sets it up (test/support/ledger.ts keeps Nest's console logger).
    ledger.app.useLogger(ledger.app.get(PinoNestLogger));
    const { incidentId } = await freshIncident(as('admin'));
    const store = ledger.app.get<EventStore>(EVENT_STORE);
    const streamHead = store.streamHead;
    store.streamHead = async () => {
      throw new Error('the disk is on fire');
    };
    const requestId = `ops-${randomUUID()}`;
    try {
      expect((await get(`/incidents/${incidentId}/events`, { ...bearer('reader'), 'x-request-id': requestId })).status).toBe(500);
    } finally {
      store.streamHead = streamHead;
    }
    expect(await lineOf(requestId)).toMatchObject({ level: 'ERROR', status: 500 });
    const error = logLines().find((l) => l.requestId === requestId && l.status === undefined);
    expect(error).toMatchObject({ level: 'ERROR', context: 'Errors' });
    expect(JSON.stringify(error)).toMatch(/the disk is on fire.*\\n +at /);
  });
});

describe('starting the server with a bad logging configuration', () => {
  it('stops with one line for a LOG_LEVEL that is not a level', async () => {
    const dataDir = tempDataDir();
    const result = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), join(__dirname, '..', 'src', 'main.ts')], {
        env: { PATH: process.env.PATH ?? '', TS_NODE_PROJECT: join(__dirname, '..', 'tsconfig.json'), DATA_DIR: dataDir, DATASETS: 'none', PORT: '0', LOG_LEVEL: 'chatty' },
        cwd: dataDir,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.stderr.on('data', (chunk) => (err += chunk));
      child.on('exit', (code) => resolve({ code, out, err }));
    });
    removeDir(dataDir);
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err.trim().split('\n')).toHaveLength(1);
    expect(result.err).toMatch(/^crisis-ledger: cannot start: LOG_LEVEL: "chatty" is not one of fatal, error, warn, info/);
  }, 60_000);
});
