// The live streams under load: many Server-Sent Events clients following one incident while appends
// arrive one after another, against a real server on a fresh data directory; then the same append
// run with and without clients that connect and never read. Writes bench/results/live.json and
// prints it.
//
//   npm run bench:live -- [--clients 200] [--appends 100] [--stalled 20] [--seed 500]
//                         [--timeline-share 0.5] [--stalled-timeline-share 0] [--stalled-buffer 1048576] [--smoke]
//
// Clients are node:http sockets, one each, parsing the stream themselves (no fetch, no EventSource),
// in this process, so the figures include this process's own reading on the same 2 cores.
// 100 appends by default, not 300: with 200 clients each append fans out 10-20 MB on this 2-core
// machine and takes about 0.3 s, so 300 would make the three runs take several minutes.
// Figures are measured, never asserted.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { cpus, tmpdir } from 'node:os';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const smoke = args.includes('--smoke');
const CLIENTS = option('clients', smoke ? 10 : 200);
const APPENDS = option('appends', smoke ? 12 : 100);
const STALLED = option('stalled', smoke ? 3 : 20);
const SEED = option('seed', smoke ? 200 : 500);
// The share of the clients that follow /timeline/live instead of /casualties/live.
const TIMELINE_SHARE = option('timeline-share', 0.5);
// The same for the reading clients of the stalled-reader phase: casualties only by default, since with a
// 1 MiB buffer a reading timeline client (~200 KiB an update) that this process serves late is let go too.
const STALLED_TIMELINE_SHARE = option('stalled-timeline-share', 0);
// The stalled-reader phase runs on a server with this LIVE_BUFFER_BYTES (the default 8 MiB would need
// far more appends before a client that does not read is let go).
const STALLED_BUFFER = option('stalled-buffer', 1_048_576);
const PORT = option('port', 3991);
const HOST = '127.0.0.1';
const BASE = `http://${HOST}:${PORT}`;
const SETTLE_MS = 60_000; // how long to wait, after the last append, for deliveries still to come

// ---- the server ---------------------------------------------------------------------------------
const dataDir = mkdtempSync(join(tmpdir(), 'ledger-live-'));
let running;
const status = (pid) => readFileSync(`/proc/${pid}/status`, 'utf8');
const peakRss = (pid) => Number(/VmHWM:\s+(\d+) kB/.exec(status(pid))[1]) * 1024;
const rss = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(status(pid))[1]) * 1024;
const mib = (bytes) => Math.round(bytes / 2 ** 20);

function start(extra = {}) {
  const child = spawn(process.execPath, ['--max-semi-space-size=32', join(ROOT, 'dist/main.js')], {
    env: { ...process.env, DATA_DIR: dataDir, DATASETS: 'none', PORT: String(PORT), LOG_LEVEL: 'warn', ...extra },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  running = child;
  return child;
}
const stop = (child) =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
/** One request on a kept-alive connection: its status, body and when it was sent and answered (performance.now()). */
function call(method, path, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const sentAt = performance.now();
    const req = http.request(
      { host: HOST, port: PORT, path, method, agent, headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {} },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8'), sentAt, answeredAt: performance.now() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
const must = async (method, path, body, expected) => {
  const reply = await call(method, path, body);
  if (reply.status !== expected) throw new Error(`${method} ${path}: ${reply.status} ${reply.text.slice(0, 300)}`);
  return reply;
};

async function ready(timeoutMs = 120_000) {
  const started = Date.now();
  for (;;) {
    try {
      if ((await call('GET', '/health/ready')).status === 200) return Date.now() - started;
    } catch {
      /* not listening yet */
    }
    if (Date.now() - started > timeoutMs) throw new Error('server not ready');
    await new Promise((r) => setTimeout(r, 50));
  }
}

// ---- the data -----------------------------------------------------------------------------------
let seed = 7;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const SOURCES = Array.from({ length: 12 }, (_, i) => `live-wire-${i}`);
const day = (i) => new Date(Date.UTC(2022, 0, 1) + (i % 28) * 86_400_000).toISOString().slice(0, 10);

/** A realistic mix for one incident: casualty claims over many groups, scopes and voices, with some other reports. */
function seedEvents(count) {
  const events = [];
  for (let i = 0; i < count; i++) {
    const source = { sourceId: pick(SOURCES), ...(rand() < 0.6 ? { attributedTo: pick(['police', 'Interior Ministry', 'health officials', 'witnesses', 'opposition']) } : {}) };
    const best = Math.floor(rand() * 400);
    const figure = pick([{ best }, { best, qualifier: 'at_least', text: `at least ${best}` }, { best, low: Math.floor(best / 2), high: best * 2 }]);
    const r = rand();
    const event =
      r < 0.35
        ? { type: 'CasualtiesReported', data: { category: pick(['killed', 'injured', 'arrested']), group: pick(['protesters', 'civilians', 'security_forces', 'unspecified']), figure, ...(rand() < 0.7 ? { scope: pick(['nationwide', 'Almaty', 'Aktobe', 'Zhanaozen', 'Taldykorgan']) } : {}) } }
        : r < 0.5
          ? { type: 'TroopsDeployed', data: { contributor: pick(['Russia', 'Armenia', 'Belarus']), status: pick(['arriving', 'deployed']), strength: figure } }
          : r < 0.65
            ? { type: 'ProtestReported', data: { description: 'Demonstrators gathered in the central square over fuel prices', participants: figure } }
            : r < 0.85
              ? { type: 'StatementMade', data: { speaker: pick(['President', 'Interior Ministry', 'Opposition']), summary: 'Said that order would be restored and the instigators punished' } }
              : { type: 'MeasureImposed', data: { measure: pick(['curfew', 'internet_shutdown', 'state_of_emergency']), scope: pick(['Almaty', 'Aktobe']) } };
    events.push({ id: randomUUID(), occurredAt: day(i), source, ...event });
  }
  return events;
}

async function seedIncident(id) {
  await must('POST', '/incidents', { id, title: `Live bench ${id}`, timeZone: 'UTC' }, 201);
  const events = seedEvents(SEED);
  for (let i = 0; i < events.length; i += 100) await must('POST', `/incidents/${id}/events`, { events: events.slice(i, i + 100) }, 201);
}

/** The i-th append of a run: one casualty claim that changes the casualties answer (a new day, a larger figure). */
const appendBody = (i) => ({
  id: randomUUID(),
  type: 'CasualtiesReported',
  occurredAt: day(i),
  source: { sourceId: SOURCES[i % SOURCES.length] },
  data: { category: 'killed', group: 'civilians', figure: { best: 1000 + i } },
});

// ---- the clients --------------------------------------------------------------------------------
/** One SSE client on its own socket, recording each message's id, event and time of receipt. */
class SseClient {
  constructor(path, stalled = false) {
    this.path = path;
    this.stalled = stalled;
    this.buf = '';
    this.scan = 0;
    this.bytes = 0;
    this.snapshot = null; // { id, t, bytes }
    this.ids = []; // update ids, in order of receipt
    this.times = []; // their receipt times
    this.updateBytes = 0;
    this.others = []; // other events (overflow, shutdown, error)
    this.heartbeats = 0;
    this.lastData = null;
    this.ended = false;
    this.closed = false;
  }

  open() {
    return new Promise((resolve, reject) => {
      this.req = http.get({ host: HOST, port: PORT, path: this.path, agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
        this.res = res;
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`${this.path}: ${res.statusCode}`));
          return;
        }
        res.on('end', () => (this.ended = true));
        res.on('close', () => (this.closed = true));
        res.on('error', () => {});
        if (this.stalled) {
          res.pause(); // never read: the socket's buffers fill and the server's queue for it grows
        } else {
          res.setEncoding('latin1'); // the bodies are ASCII; latin1 is the cheapest exact decoding
          res.on('data', (chunk) => this.chunk(chunk, performance.now()));
        }
        resolve(this);
      });
      this.req.on('error', (error) => (this.res ? undefined : reject(error)));
    });
  }

  chunk(text, now) {
    this.bytes += text.length;
    this.buf += text;
    let from = 0;
    for (let end = this.buf.indexOf('\n\n', this.scan); end >= 0; end = this.buf.indexOf('\n\n', from)) {
      this.block(this.buf.slice(from, end), now);
      from = end + 2;
    }
    this.buf = from === 0 ? this.buf : this.buf.slice(from);
    this.scan = Math.max(0, this.buf.length - 1);
  }

  block(block, now) {
    let id = null;
    let event = null;
    let data = null;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        if (line.includes('heartbeat')) this.heartbeats += 1;
      } else if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data = data === null ? line.slice(6) : `${data}\n${line.slice(6)}`;
    }
    if (event === null && data === null) return; // `retry:` or a comment
    if (event === 'snapshot') this.snapshot = { id: Number(id), t: now, bytes: data?.length ?? 0 };
    else if (event === 'update') {
      this.ids.push(Number(id));
      this.times.push(now);
      this.updateBytes += data?.length ?? 0;
    } else this.others.push({ event, id, data });
    if (data !== null && (event === 'snapshot' || event === 'update')) this.lastData = data;
  }

  /** For a stalled client: starts reading what was left for it, to the end (the server closed it) or for `ms`. */
  drainStalled(ms) {
    return new Promise((resolve) => {
      const chunks = [];
      const done = () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('latin1');
        const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
        resolve({ closedByServer: this.ended || this.closed, bytes: text.length, events, truncated: text.length > 0 && !text.endsWith('\n\n') });
      };
      const timer = setTimeout(done, ms);
      this.res.on('data', (c) => chunks.push(c));
      this.res.once('close', done);
      this.res.resume();
    });
  }

  close() {
    this.req.destroy();
  }
}

/** Resolves once `test(client)` holds for every client (or it was closed); false after `ms`. */
function untilAll(clients, test, ms) {
  const deadline = performance.now() + ms;
  return new Promise((resolve) => {
    const check = () => {
      const pending = clients.some((c) => !c.closed && !test(c));
      if (!pending || performance.now() > deadline) {
        clearInterval(timer);
        resolve(clients.every((c) => test(c)));
      }
    };
    const timer = setInterval(check, 20);
    check();
  });
}

// ---- figures ------------------------------------------------------------------------------------
const percentile = (xs, p) => (xs.length === 0 ? null : xs[Math.min(xs.length - 1, Math.max(0, Math.ceil((p / 100) * xs.length) - 1))]);
const round = (x, digits = 1) => (x === null ? null : +x.toFixed(digits));
function spread(values) {
  const xs = Float64Array.from(values).sort();
  return { p50: round(percentile(xs, 50)), p90: round(percentile(xs, 90)), p99: round(percentile(xs, 99)), max: round(xs.length ? xs[xs.length - 1] : null), n: xs.length };
}

/** Checks one group of clients against the appends: every update to every client, once, in order. */
function deliveries(clients, appends) {
  const byPosition = new Map(appends.map((a) => [a.position, a]));
  const fromAnswer = [];
  const fromSend = [];
  let delivered = 0;
  let missing = 0;
  let doubled = 0;
  let unexpected = 0;
  let outOfOrder = 0;
  let incomplete = 0;
  let closedEarly = 0;
  let bytes = 0;
  for (const c of clients) {
    const seen = new Set();
    for (let i = 0; i < c.ids.length; i++) {
      const id = c.ids[i];
      delivered += 1;
      if (seen.has(id)) doubled += 1;
      seen.add(id);
      if (i > 0 && id <= c.ids[i - 1]) outOfOrder += 1;
      const append = byPosition.get(id);
      if (!append) {
        unexpected += 1;
        continue;
      }
      fromAnswer.push(c.times[i] - append.answeredAt);
      fromSend.push(c.times[i] - append.sentAt);
    }
    let lacking = 0;
    for (const a of appends) if (!seen.has(a.position)) lacking += 1;
    missing += lacking;
    if (lacking > 0) incomplete += 1;
    if (c.closed) closedEarly += 1;
    bytes += c.updateBytes;
  }
  const lastData = clients[0]?.lastData;
  return {
    clients: clients.length,
    expected: clients.length * appends.length,
    delivered,
    missing,
    doubled,
    unexpected,
    outOfOrder,
    clientsMissingSome: incomplete,
    clientsClosedByServer: closedEarly,
    clientsWithADifferentLastAnswer: clients.filter((c) => c.lastData !== lastData).length,
    meanUpdateKiB: delivered ? round(bytes / delivered / 1024) : null,
    deliveryMsFromAnswer: { ...spread(fromAnswer), beforeAnswer: fromAnswer.filter((x) => x < 0).length },
    deliveryMsFromSend: spread(fromSend),
  };
}

/**
 * One fan-out run on an incident: `clients` readers (a share on the timeline), `stalled` clients
 * that never read, then `appends` appends one after another, each awaited.
 */
async function fanout(server, incident, { clients, stalled, appends, timelineShare }) {
  const timelineCount = Math.round(clients * timelineShare);
  const readers = [
    ...Array.from({ length: clients - timelineCount }, () => new SseClient(`/incidents/${incident}/casualties/live`)),
    ...Array.from({ length: timelineCount }, () => new SseClient(`/incidents/${incident}/timeline/live`)),
  ];
  const stalledClients = Array.from({ length: stalled }, () => new SseClient(`/incidents/${incident}/casualties/live`, true));
  const o0 = performance.now();
  for (let i = 0; i < readers.length; i += 50) await Promise.all(readers.slice(i, i + 50).map((c) => c.open()));
  await Promise.all(stalledClients.map((c) => c.open()));
  const snapshotsOk = await untilAll(readers, (c) => c.snapshot !== null, 30_000);
  if (!snapshotsOk) {
    const lacking = readers.filter((c) => c.snapshot === null);
    throw new Error(`${lacking.length} clients had no snapshot after 30 s: ${lacking[0].path} closed=${lacking[0].closed} ${JSON.stringify(lacking[0].others).slice(0, 300)}`);
  }
  const connectMs = performance.now() - o0;
  const peakBefore = peakRss(server.pid);

  const done = [];
  const t0 = performance.now();
  for (let i = 0; i < appends; i++) {
    const reply = await must('POST', `/incidents/${incident}/events`, appendBody(i), 201);
    done.push({ position: JSON.parse(reply.text).position, sentAt: reply.sentAt, answeredAt: reply.answeredAt });
    if (!smoke && i % 25 === 24) process.stdout.write(`\r  ${i + 1}/${appends} appends, server rss ${mib(rss(server.pid))} MiB`);
  }
  const appendsDoneAt = performance.now();
  if (!smoke) process.stdout.write('\n');
  // Every reader should get every append: wait for them, and not for ever.
  await untilAll(readers, (c) => c.ids.length >= appends, SETTLE_MS);
  const lastReceipt = Math.max(t0, ...readers.map((c) => (c.times.length ? c.times[c.times.length - 1] : t0)));
  // A short wait for anything extra (a doubled update would come now).
  await new Promise((r) => setTimeout(r, smoke ? 200 : 500));
  const wallMs = lastReceipt - t0;
  const serverPeak = peakRss(server.pid);
  const serverAfter = rss(server.pid);

  const casualtyReaders = readers.filter((c) => c.path.endsWith('/casualties/live'));
  const timelineReaders = readers.filter((c) => c.path.endsWith('/timeline/live'));
  const total = readers.reduce((n, c) => n + c.ids.length, 0);
  const appendMs = done.map((a) => a.answeredAt - a.sentAt);

  // The last update is the plain answer now (the same object; the GET is the oracle).
  const plain = {};
  for (const [name, group] of [['casualties', casualtyReaders], ['timeline', timelineReaders]]) {
    if (group.length === 0) continue;
    const body = JSON.parse((await must('GET', `/incidents/${incident}/${name}`, undefined, 200)).text);
    plain[name] = { bytes: group[0].lastData?.length ?? 0, lastUpdateEqualsPlainGet: group[0].lastData !== null && isDeepStrictEqual(JSON.parse(group[0].lastData), body) };
  }

  const result = {
    incident,
    readers: readers.length,
    appends,
    connectAndSnapshotsMs: Math.round(connectMs),
    snapshotKiB: {
      casualties: casualtyReaders[0] ? round(casualtyReaders[0].snapshot.bytes / 1024) : null,
      timeline: timelineReaders[0] ? round(timelineReaders[0].snapshot.bytes / 1024) : null,
    },
    updatesDelivered: total,
    wallSeconds: round(wallMs / 1000, 2),
    appendsSeconds: round((appendsDoneAt - t0) / 1000, 2),
    updatesPerSecond: Math.round(total / (wallMs / 1000)),
    mibPerSecond: round(readers.reduce((n, c) => n + c.updateBytes, 0) / 2 ** 20 / (wallMs / 1000)),
    appendMs: spread(appendMs),
    slowestAppends: appendMs.map((ms, i) => ({ append: i, ms: round(ms) })).sort((a, b) => b.ms - a.ms).slice(0, 5),
    casualties: deliveries(casualtyReaders, done),
    timeline: timelineReaders.length ? deliveries(timelineReaders, done) : null,
    lastAnswer: plain,
    serverPeakRssMiBBeforeAppends: mib(peakBefore),
    serverPeakRssMiB: mib(serverPeak),
    serverRssAfterMiB: mib(serverAfter),
  };

  for (const c of readers) c.close();
  if (stalledClients.length > 0) {
    // Read what each stalled client was left with: the server should have closed it, after `overflow`.
    // First a wait longer than the 2 s the server gives a closed stream before it destroys the socket,
    // so what is read is what a client that stalled for good would find.
    await new Promise((r) => setTimeout(r, 2500));
    const ends = await Promise.all(stalledClients.map((c) => c.drainStalled(3000)));
    result.stalled = {
      clients: stalledClients.length,
      closedByServer: ends.filter((e) => e.closedByServer).length,
      receivedOverflow: ends.filter((e) => e.events.at(-1) === 'overflow').length,
      closedWithoutOverflow: ends.filter((e) => e.closedByServer && e.events.at(-1) !== 'overflow').length,
      endedMidMessage: ends.filter((e) => e.truncated).length,
      stillOpen: ends.filter((e) => !e.closedByServer).length,
      updatesReceived: spread(ends.map((e) => e.events.filter((x) => x === 'update').length)),
      kibReceived: spread(ends.map((e) => e.bytes / 1024)),
    };
    for (const c of stalledClients) c.close();
  }
  await new Promise((r) => setTimeout(r, 200));
  result.serverRssAfterClientsLeftMiB = mib(rss(server.pid));
  return result;
}

const brief = (run) => ({
  appendMs: run.appendMs,
  updatesDelivered: run.updatesDelivered,
  expected: run.casualties.expected + (run.timeline?.expected ?? 0),
  missing: run.casualties.missing + (run.timeline?.missing ?? 0),
  doubled: run.casualties.doubled + (run.timeline?.doubled ?? 0),
  updatesPerSecond: run.updatesPerSecond,
  deliveryMsFromAnswer: { casualties: run.casualties.deliveryMsFromAnswer, timeline: run.timeline?.deliveryMsFromAnswer ?? null },
  serverPeakRssMiB: run.serverPeakRssMiB,
});

async function main() {
  const options = { clients: CLIENTS, appends: APPENDS, stalled: STALLED, seedEvents: SEED, timelineShare: TIMELINE_SHARE, stalledPhaseTimelineShare: STALLED_TIMELINE_SHARE, stalledPhaseBufferBytes: STALLED_BUFFER, smoke };
  const results = { machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version }, options };
  console.log(`live bench: ${CLIENTS} clients (${Math.round(CLIENTS * TIMELINE_SHARE)} on the timeline), ${APPENDS} appends, ${STALLED} stalled, ${SEED} seed events`);

  // Phase 1 and 2: the default configuration.
  let server = start();
  await ready();
  for (const id of SOURCES) await must('POST', '/sources', { id, publisher: `Wire ${id}`, title: 'Dispatches', publishedAt: '2022-12-31T00:00:00Z' }, 201);
  await seedIncident('live-fanout');
  console.log('fan-out…');
  results.fanout = await fanout(server, 'live-fanout', { clients: CLIENTS, stalled: 0, appends: APPENDS, timelineShare: TIMELINE_SHARE });
  results.fanout.liveBufferBytes = 8 * 2 ** 20;
  agent.destroy();
  await stop(server);

  // Phase 3: the same run twice on identical fresh incidents, without and with stalled readers, on a
  // server with a smaller client buffer so that the stalled readers overflow within the run.
  server = start({ LIVE_BUFFER_BYTES: String(STALLED_BUFFER) });
  await ready();
  await seedIncident('live-steady');
  await seedIncident('live-stalled');
  console.log(`stalled readers (LIVE_BUFFER_BYTES=${STALLED_BUFFER}): without…`);
  const without = await fanout(server, 'live-steady', { clients: CLIENTS, stalled: 0, appends: APPENDS, timelineShare: STALLED_TIMELINE_SHARE });
  console.log(`with ${STALLED} stalled…`);
  const withStalled = await fanout(server, 'live-stalled', { clients: CLIENTS, stalled: STALLED, appends: APPENDS, timelineShare: STALLED_TIMELINE_SHARE });
  agent.destroy();
  await stop(server);
  running = undefined;
  results.stalledReaders = {
    note: `Run on a server started with LIVE_BUFFER_BYTES=${STALLED_BUFFER} (not the default 8 MiB) so that stalled clients overflow within ${APPENDS} appends; the same ${CLIENTS} reading clients in both runs, each run on its own identically seeded incident. The stalled clients follow /casualties/live and never read; at the end of the run they start reading, to see how the server left their stream: closedByServer counts streams the server ended, receivedOverflow those whose last message was "overflow", endedMidMessage those cut inside a message (read 2.5 s after the run; the server keeps a let-go client's socket 30 s for it to read its backlog and last message).`,
    liveBufferBytes: STALLED_BUFFER,
    withoutStalled: brief(without),
    withStalled: { ...brief(withStalled), stalled: withStalled.stalled },
    appendP50Ratio: round(withStalled.appendMs.p50 / without.appendMs.p50, 2),
    appendP99Ratio: round(withStalled.appendMs.p99 / without.appendMs.p99, 2),
    runs: { withoutStalled: without, withStalled },
  };

  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  const file = join(ROOT, 'bench', 'results', smoke ? 'live-smoke.json' : 'live.json');
  const out = { measuredAt: new Date().toISOString(), ...results };
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(JSON.stringify(out, null, 2));
  console.log(`written to ${file}`);
}

main().catch((error) => {
  console.error(error);
  running?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(1);
});
