// The engine at scale, as a user loads an archive: many incidents plus one large one, loaded through
// the HTTP API in 1,000-event batches into a real server on a fresh data directory; then a restart,
// queries on the large incident, and a rebuild. Writes bench/results/scale.json and prints a summary.
//
//   npm run bench:scale -- [--events 1000000] [--incidents 1000] [--big 50000] [--smoke]
//
// Figures are measured, never asserted: the suite checks only that --smoke runs.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const smoke = args.includes('--smoke');
const EVENTS = option('events', smoke ? 6000 : 1_000_000);
const INCIDENTS = option('incidents', smoke ? 5 : 1000);
const BIG = option('big', smoke ? 2000 : 50_000);
const BATCH = 1000;
const PORT = option('port', 3990);
const BASE = `http://127.0.0.1:${PORT}`;

// ---- generation, up front ----------------------------------------------------------------------
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const SOURCES = Array.from({ length: 20 }, (_, i) => `wire-${i}`);
const day = (i) => new Date(Date.UTC(2022, 0, 1) + (i % 365) * 86_400_000).toISOString().slice(0, 10);
const figure = () => {
  const best = Math.floor(rand() * 500);
  return pick([{ best }, { best, qualifier: 'at_least', text: `at least ${best}` }, { best, low: Math.floor(best / 2), high: best * 2 }]);
};
const PAYLOADS = [
  () => ({ type: 'CasualtiesReported', data: { category: pick(['killed', 'injured', 'arrested']), group: pick(['protesters', 'civilians', 'security_forces']), figure: figure(), scope: pick(['nationwide', 'Almaty', 'Aktobe']) } }),
  () => ({ type: 'CasualtiesReported', data: { category: pick(['killed', 'injured']), group: 'unspecified', figure: figure() } }),
  () => ({ type: 'ProtestReported', data: { description: 'Demonstrators gathered in the central square over fuel prices', participants: figure() } }),
  () => ({ type: 'MeasureImposed', data: { measure: pick(['curfew', 'internet_shutdown', 'state_of_emergency']), scope: pick(['Almaty', 'Aktobe']) } }),
  () => ({ type: 'MeasureLifted', data: { measure: pick(['curfew', 'internet_shutdown']), scope: pick(['Almaty', 'Aktobe']) } }),
  () => ({ type: 'TroopsDeployed', data: { contributor: pick(['Russia', 'Armenia', 'Belarus']), status: pick(['arriving', 'deployed']), strength: figure() } }),
  () => ({ type: 'FacilityControlChanged', data: { facility: pick(['airport', 'akimat', 'television centre']), controlledBy: pick(['protesters', 'army']) } }),
  () => ({ type: 'StatementMade', data: { speaker: pick(['President', 'Interior Ministry', 'Opposition']), summary: 'Said that order would be restored and the instigators punished' } }),
];

function generate(incidentId, count, startIndex) {
  const events = [];
  for (let i = 0; i < count; i++) {
    const { type, data } = pick(PAYLOADS)();
    const source = { sourceId: pick(SOURCES), ...(rand() < 0.5 ? { attributedTo: pick(['police', 'ministry', 'witnesses']) } : {}) };
    events.push({ id: randomUUID(), type, occurredAt: day(startIndex + i), source, data });
    if (i > 10 && rand() < 0.02) {
      const target = events[Math.floor(rand() * (events.length - 1))];
      if (target.type !== 'ClaimRetracted') events.push({ id: randomUUID(), type: 'ClaimRetracted', occurredAt: day(startIndex + i), source: { sourceId: pick(SOURCES) }, data: { eventId: target.id, reason: 'withdrawn' } });
    }
  }
  return events.slice(0, count);
}

const incidents = [];
const small = Math.max(1, Math.floor((EVENTS - BIG) / INCIDENTS));
incidents.push({ id: 'big-incident', events: generate('big-incident', BIG, 0) });
for (let i = 0; i < INCIDENTS; i++) incidents.push({ id: `incident-${i}`, events: generate(`incident-${i}`, small, i) });
// Interleave incidents, as an archive arrives (the big incident's batches spread through the load),
// each incident's batches in their own order, since a retraction follows what it retracts.
const queues = incidents.map(({ id, events }) => {
  const out = [];
  for (let i = 0; i < events.length; i += BATCH) out.push({ incident: id, body: JSON.stringify({ events: events.slice(i, i + BATCH) }) });
  return out;
});
const batches = [];
for (let left = queues.filter((q) => q.length > 0); left.length > 0; left = left.filter((q) => q.length > 0)) {
  batches.push(left[Math.floor(rand() * left.length)].shift());
}
const total = incidents.reduce((n, i) => n + i.events.length, 0);
// What the later phases need of the archive; the rest is let go, so that this process's own garbage
// collections (of a heap that held the whole archive) do not show in what it measures.
const incidentIds = incidents.map(({ id }) => id);
const sampleEventIds = incidents[0].events.filter((_, i) => i % 97 === 0).slice(0, 300).map((e) => e.id);
const batchIncidents = batches.map(({ incident }) => incident);
incidents.length = 0;

// ---- the server ---------------------------------------------------------------------------------
const dataDir = process.env.KEEP ?? mkdtempSync(join(tmpdir(), 'ledger-scale-'));
const peakRss = (pid) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) * 1024;
};
const rss = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;

function start(script = 'dist/main.js', extra = {}) {
  const flags = (process.env.SERVER_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, ['--max-semi-space-size=32', ...flags, join(ROOT, script)], {
    env: { ...process.env, DATA_DIR: dataDir, DATASETS: 'none', PORT: String(PORT), LOG_LEVEL: 'warn', ...extra },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  running = child;
  return child;
}
const stop = (child) => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); });

async function ready(timeoutMs = 120_000) {
  const started = Date.now();
  for (;;) {
    try {
      const res = await fetch(`${BASE}/health/ready`);
      if (res.status === 200) return Date.now() - started;
    } catch { /* not listening yet */ }
    if (Date.now() - started > timeoutMs) throw new Error('server not ready');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const post = (path, body) => fetch(BASE + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
/** Milliseconds of the span during which this process was collecting garbage. */
const overlap = (span, pauses) => pauses.reduce((sum, g) => sum + Math.max(0, Math.min(span.end, g.end) - Math.max(span.start, g.start)), 0);
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

// Queries are timed with node:http on a kept-alive connection, reading the raw bytes: fetch's own
// decoding of a 1.3 MB body adds 10-15 ms on this machine, which is the client's cost, not the server's.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function timed(path) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    http.get({ host: '127.0.0.1', port: PORT, path, agent }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const elapsed = ms(t0);
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`${path}: ${res.statusCode} ${text.slice(0, 200)}`));
        else resolve({ ms: elapsed, text });
      });
    }).on('error', reject);
  });
}

/** The answers compared across a restart and a rebuild: every projection of a sample of incidents. */
async function answers() {
  const hash = createHash('sha256');
  for (const id of ['big-incident', 'incident-0', `incident-${INCIDENTS - 1}`]) {
    for (const p of ['casualties', 'troop-presence', 'situation', 'timeline']) {
      for (const q of ['', '?asOf=2022-03-01', '?knownAt=2022-06-30T00:00:00Z']) hash.update((await timed(`/incidents/${id}/${p}${q}`)).text);
    }
  }
  hash.update((await timed(`/sources/${SOURCES[0]}/ledger?asOf=2022-02-01`)).text);
  return hash.digest('hex');
}

async function main() {
  const results = { events: total, incidents: INCIDENTS + 1, bigIncident: BIG, batch: BATCH, machine: { cpus: (await import('node:os')).cpus().length, node: process.version } };
  console.log(`generated ${total} events in ${batches.length} batches over ${incidentIds.length} incidents`);

  let server = start();
  await ready();
  for (const id of SOURCES) await post('/sources', JSON.stringify({ id, publisher: `Wire ${id}`, title: 'Dispatches', publishedAt: '2022-12-31T00:00:00Z' }));
  for (const id of incidentIds) await post('/incidents', JSON.stringify({ id, title: `Incident ${id}` }));

  const latencies = [];
  const spans = [];
  // This process holds the whole archive in memory: its own garbage collections show in what it
  // measures, so they are recorded and set beside the slowest appends.
  const clientGc = [];
  const gcObserver = new PerformanceObserver((list) => { for (const e of list.getEntries()) clientGc.push({ start: e.startTime, end: e.startTime + e.duration }); });
  gcObserver.observe({ entryTypes: ['gc'] });
  let refused = 0;
  const t0 = process.hrtime.bigint();
  let peakLoading = 0;
  const count = batches.length;
  for (let i = 0; i < count; i++) {
    const { incident, body } = batches[i];
    batches[i] = null; // sent: let it go
    const b0 = process.hrtime.bigint();
    const p0 = performance.now();
    const res = await post(`/incidents/${incident}/events`, body);
    latencies.push(ms(b0));
    spans.push({ start: p0, end: performance.now() });
    if (res.status !== 201) { refused += 1; console.error(`batch ${i}: ${res.status} ${(await res.text()).slice(0, 300)}`); } else await res.arrayBuffer();
    if (i % 50 === 0) {
      peakLoading = Math.max(peakLoading, peakRss(server.pid));
      process.stdout.write(`\r${i + 1}/${count} batches, rss ${(rss(server.pid) / 2 ** 20).toFixed(0)} MiB`);
    }
  }
  const loadMs = ms(t0);
  await ready();
  const caughtUpMs = ms(t0);
  process.stdout.write('\n');
  results.load = {
    seconds: +(loadMs / 1000).toFixed(1),
    eventsPerSecond: Math.round(total / (loadMs / 1000)),
    caughtUpSeconds: +(caughtUpMs / 1000).toFixed(1),
    refusedOr5xx: refused,
    appendMs: {
      p50: +percentile(latencies, 50).toFixed(1),
      p99: +percentile(latencies, 99).toFixed(1),
      max: +Math.max(...latencies).toFixed(1),
      over500: latencies.filter((x) => x > 500).length,
      slowest: latencies
        .map((x, i) => ({ batch: i, incident: batchIncidents[i], ms: +x.toFixed(1), clientGcMs: +overlap(spans[i], clientGc).toFixed(1) }))
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 5),
    },
    peakRssMiB: Math.round(Math.max(peakLoading, peakRss(server.pid)) / 2 ** 20),
  };
  const live = await answers();
  results.load.peakRssAfterCatchUpMiB = Math.round(peakRss(server.pid) / 2 ** 20);
  agent.destroy();
  await stop(server);

  server = start();
  const readyMs = await ready();
  const restarted = await answers();
  const casualtyMs = [];
  const casualtySpans = [];
  for (let i = 0; i < 300; i++) {
    const p0 = performance.now();
    casualtyMs.push((await timed(`/incidents/big-incident/casualties?asOf=${day(i)}`)).ms);
    casualtySpans.push({ start: p0, end: performance.now() });
  }
  const slowQueries = casualtyMs.map((x, i) => ({ asOf: day(i), ms: +x.toFixed(1), clientGcMs: +overlap(casualtySpans[i], clientGc).toFixed(1) })).sort((a, b) => b.ms - a.ms).slice(0, 5);
  const knownAtMs = [];
  for (let i = 0; i < 100; i++) knownAtMs.push((await timed(`/incidents/big-incident/timeline?knownAt=${day(i)}T12:00:00Z`)).ms);
  const ids = sampleEventIds;
  const eventMs = [];
  for (const id of ids) eventMs.push((await timed(`/events/${id}`)).ms);
  results.restart = {
    readySeconds: +(readyMs / 1000).toFixed(2),
    sameAnswers: restarted === live,
    peakRssMiB: Math.round(peakRss(server.pid) / 2 ** 20),
    filteredCasualtiesOnBigIncidentMs: { p50: +percentile(casualtyMs, 50).toFixed(1), p99: +percentile(casualtyMs, 99).toFixed(1), slowest: slowQueries },
    knownAtTimelineOnBigIncidentMs: { p50: +percentile(knownAtMs, 50).toFixed(1), p99: +percentile(knownAtMs, 99).toFixed(1) },
    eventByIdMs: { p50: +percentile(eventMs, 50).toFixed(1), p99: +percentile(eventMs, 99).toFixed(1) },
  };
  agent.destroy();
  await stop(server);

  const r0 = process.hrtime.bigint();
  const rebuild = start('dist/cli/rebuild.js');
  let rebuildPeak = 0;
  const sampler = setInterval(() => { try { rebuildPeak = Math.max(rebuildPeak, peakRss(rebuild.pid)); } catch { /* exited */ } }, 200);
  await new Promise((resolve) => rebuild.once('exit', resolve));
  clearInterval(sampler);
  gcObserver.disconnect();
  results.rebuild = { seconds: +(ms(r0) / 1000).toFixed(1), peakRssMiB: Math.round(rebuildPeak / 2 ** 20) };
  server = start();
  await ready();
  results.rebuild.sameAnswers = (await answers()) === live;
  agent.destroy();
  await stop(server);

  const size = (f) => { try { return statSync(join(dataDir, f)).size; } catch { return 0; } };
  const log = size('events.db') + size('events.db-wal');
  const projections = size('projections.db') + size('projections.db-wal');
  results.storage = { logMiB: +(log / 2 ** 20).toFixed(1), projectionsMiB: +(projections / 2 ** 20).toFixed(1), projectionsToLog: +(projections / log).toFixed(2) };

  if (!process.env.KEEP) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  const file = join(ROOT, 'bench', 'results', smoke ? 'scale-smoke.json' : 'scale.json');
  writeFileSync(file, `${JSON.stringify({ measuredAt: new Date().toISOString(), ...results }, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
  console.log(`written to ${file}`);
}

let running;
main().catch((error) => {
  console.error(error);
  running?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(1);
});
