import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SOURCE_TEXT } from './support/fixtures';
import { buildServer, request, ServerProcess, startServer } from './support/server-process';
import { SseClient } from './support/sse';

// SIGTERM through the real server (a child process): it stops accepting connections, answers the
// request in flight (an append whose body is still arriving is stored and acknowledged), ends the
// live streams with `event: shutdown`, saves the projector's checkpoint (a restart folds nothing) and
// exits 0; past SHUTDOWN_TIMEOUT_MS it exits 1 naming what it still waited for.

/** A POST whose headers and first half of the body are sent now, the rest when `finish` is called. */
function halfSentPost(url: string, path: string, body: unknown): { finish(): void; answer: Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }> } {
  const bytes = Buffer.from(JSON.stringify(body));
  const { hostname, port } = new URL(url);
  const req = http.request({ host: hostname, port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': bytes.length } });
  const answer = new Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  const half = Math.floor(bytes.length / 2);
  req.write(bytes.subarray(0, half));
  return { finish: () => req.end(bytes.subarray(half)), answer };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const event = (sourceId: string, best: number) => ({
  id: randomUUID(),
  type: 'CasualtiesReported',
  occurredAt: '2022-01-06',
  source: { sourceId, quote: 'Police said 12 officers were killed on Thursday.', attributedTo: 'police' },
  data: { category: 'killed', group: 'security_forces', figure: { best } },
});

describe('the server on SIGTERM', () => {
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  let main: string;
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-shutdown-'));
    dirs.push(dir);
    return dir;
  };
  const start = async (dir: string, env: Record<string, string> = {}) => {
    const server = await startServer(main, { dataDir: dir, env: { LOG_LEVEL: 'info', ...env } });
    servers.push(server);
    return server;
  };

  beforeAll(() => {
    main = buildServer();
  }, 180_000);
  afterAll(async () => {
    for (const server of servers) server.kill('SIGKILL');
    await Promise.all(servers.map((s) => s.exited));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('finishes the append in flight, ends the live streams with `shutdown`, saves the checkpoint and exits 0', async () => {
    const dir = dataDir();
    let server = await start(dir);
    const sourceId = 'src-shutdown';
    const incidentId = 'inc-shutdown';
    expect((await request(server.url, 'POST', '/sources', { id: sourceId, publisher: 'Wire', title: 'Clashes', publishedAt: '2022-01-07T06:00:00Z', text: SOURCE_TEXT })).status).toBe(201);
    expect((await request(server.url, 'POST', '/incidents', { id: incidentId, title: 'Unrest', timeZone: 'Asia/Almaty' })).status).toBe(201);
    const first = Array.from({ length: 200 }, (_, i) => event(sourceId, i + 1));
    expect((await request(server.url, 'POST', `/incidents/${incidentId}/events`, { events: first })).status).toBe(201);

    const casualties = await SseClient.open(`${server.url}/incidents/${incidentId}/casualties/live`);
    const raw = await SseClient.open(`${server.url}/events/live?incident=${incidentId}`);
    await casualties.waitFor(1);
    await raw.waitFor(1);

    // An append whose body is half sent when SIGTERM arrives.
    const batch = Array.from({ length: 300 }, (_, i) => event(sourceId, 1000 + i));
    const inFlight = halfSentPost(server.url, `/incidents/${incidentId}/events`, { events: batch });
    await wait(200);
    const signalled = Date.now();
    server.kill('SIGTERM');
    await wait(300);

    // No new connection is accepted.
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    // The live streams ended with their last message, naming the id to resume from.
    await casualties.waitForEnd();
    await raw.waitForEnd();
    const last = casualties.messages[casualties.messages.length - 1];
    expect(last.event).toBe('shutdown');
    expect(JSON.parse(last.data)).toEqual(expect.objectContaining({ lastEventId: casualties.messages[0].id, reason: expect.stringContaining('stopping') }));
    expect(raw.messages[raw.messages.length - 1].event).toBe('shutdown');

    // The rest of the body arrives: the append is stored and acknowledged, and the connection closes.
    inFlight.finish();
    const answer = await inFlight.answer;
    expect(answer.status).toBe(201);
    expect(answer.headers.connection).toBe('close');
    const acknowledged = JSON.parse(answer.text);
    expect(acknowledged.events.map((e: { id: string }) => e.id)).toEqual(batch.map((e) => e.id));

    const exit = await server.exited;
    const took = Date.now() - signalled;
    expect({ ...exit, log: exit.code === 0 ? '' : server.output().slice(-3000) }).toEqual({ code: 0, signal: null, log: '' });
    expect(took).toBeLessThan(10_000);
    expect(server.output()).toContain(`projections saved at position ${acknowledged.position}`);

    // The checkpoint on disk is the log's head: nothing is left to fold.
    const events = new Database(join(dir, 'events.db'), { readonly: true });
    const projections = new Database(join(dir, 'projections.db'), { readonly: true });
    try {
      const head = events.prepare<[], { p: number }>('SELECT MAX(position) AS p FROM events').get()!.p;
      expect(head).toBe(acknowledged.position);
      expect(projections.prepare<[], { position: number }>('SELECT position FROM checkpoint WHERE id = 1').get()!.position).toBe(head);
    } finally {
      events.close();
      projections.close();
    }

    // Started again: the append is there, and the projector resumed from its checkpoint (folded nothing).
    server = await start(dir);
    const stored = await request(server.url, 'GET', `/events/${batch[299].id}`);
    expect(stored.status).toBe(200);
    const ready = await request(server.url, 'GET', '/health/ready');
    expect(ready.json.details.projections).toEqual(expect.objectContaining({ status: 'up', position: acknowledged.position, lag: 0 }));
    server.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain(`projections saved at position ${acknowledged.position} (folded 0 event(s) since start)`);
  }, 120_000);

  it('exits 1 past SHUTDOWN_TIMEOUT_MS, saying what it was still waiting for', async () => {
    const server = await start(dataDir(), { SHUTDOWN_TIMEOUT_MS: '700' });
    // A request that never ends: its body never comes.
    const stuck = halfSentPost(server.url, '/incidents/none/events', { events: [] });
    stuck.answer.catch(() => undefined);
    await wait(200);
    const signalled = Date.now();
    server.kill('SIGTERM');
    const exit = await server.exited;
    expect(exit).toEqual({ code: 1, signal: null });
    expect(Date.now() - signalled).toBeLessThan(5_000);
    expect(server.output()).toMatch(/SHUTDOWN_TIMEOUT_MS \(700 ms\).*1 request\(s\) in flight \(POST \/incidents\/none\/events\)/);
  }, 60_000);

  it('also stops cleanly on SIGINT when idle', async () => {
    const server = await start(dataDir());
    server.kill('SIGINT');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain('SIGINT: stopping');
  }, 60_000);
});
