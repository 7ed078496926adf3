import { randomUUID } from 'node:crypto';
import { freshIncident, killed } from './support/fixtures';
import { removeDir, RunningLedger, startLedger, tempDataDir } from './support/ledger';
import { SseClient, SseMessage, stalledClient } from './support/sse';

// The live streams of API.md "Live", driven through a real server with a real SSE client. The oracle
// for what a stream carries is the plain GET of the same projection at the message's position, and a
// client that stayed connected the whole time.

const statement = (sourceId: string) => ({
  id: randomUUID(),
  type: 'StatementMade',
  occurredAt: '2022-01-06',
  source: { sourceId },
  data: { speaker: 'Interior Ministry', summary: 'Order has been restored' },
});

const post = async (ledger: RunningLedger, incidentId: string, body: unknown) => {
  const reply = await ledger.call('POST', `/incidents/${incidentId}/events`, body);
  if (reply.status !== 201) throw new Error(`append: ${reply.status} ${reply.text}`);
  return reply.json as { position: number };
};
const data = (m: SseMessage) => JSON.parse(m.data);
const kinds = (ms: SseMessage[]) => ms.map((m) => `${m.event}@${m.id}`);
const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));

describe('live projections over Server-Sent Events', () => {
  let ledger: RunningLedger;
  const clients: SseClient[] = [];
  const open = async (path: string, lastEventId?: string) => {
    const client = await SseClient.open(ledger.url + path, lastEventId);
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    ledger = await startLedger({ env: { LIVE_HEARTBEAT_MS: '100', LIVE_RECENT_UPDATES: '2', LIVE_REPLAY_APPENDS: '5' } });
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await ledger.stop();
    removeDir(ledger.dataDir);
  });

  it('sends a snapshot equal to the plain answer, then one update per append request that changes the projection, and none otherwise', async () => {
    const { incidentId, sourceId } = await freshIncident(ledger);
    await post(ledger, incidentId, killed(sourceId, 3));
    const casualties = await open(`/incidents/${incidentId}/casualties/live`);
    const timeline = await open(`/incidents/${incidentId}/timeline/live`);
    expect(casualties.status).toBe(200);
    const [snapshot] = await casualties.waitFor(1);
    const plain = (await ledger.call('GET', `/incidents/${incidentId}/casualties`)).json;
    expect(snapshot.event).toBe('snapshot');
    expect(snapshot.id).toBe(String(plain.position));
    expect(data(snapshot)).toEqual(plain);

    const batch = await post(ledger, incidentId, { events: [killed(sourceId, 5, { occurredAt: '2022-01-07' }), killed(sourceId, 9, { occurredAt: '2022-01-08' })] });
    const said = statement(sourceId);
    const talk = await post(ledger, incidentId, said); // no casualty rule uses it
    // A retraction is read by the casualty rules, but this one withdraws the statement: the tallies stay the same.
    const unsaid = await post(ledger, incidentId, { id: randomUUID(), type: 'ClaimRetracted', occurredAt: '2022-01-07', source: { sourceId }, data: { eventId: said.id, reason: 'withdrawn' } });
    const last = await post(ledger, incidentId, killed(sourceId, 11, { occurredAt: '2022-01-09' }));
    const received = await casualties.waitFor(3);
    await settle();
    expect(kinds(casualties.messages)).toEqual([`snapshot@${plain.position}`, `update@${batch.position}`, `update@${last.position}`]);
    // Each update is the whole projection as the log stood after that append: never half a batch.
    const atBatch = (await ledger.call('GET', `/incidents/${incidentId}/casualties?atPosition=${batch.position}`)).json;
    expect(data(received[1])).toEqual({ ...atBatch, filters: { asOf: null, knownAt: null, atPosition: null } });
    expect(data(received[1]).tallies[0].best).toBe(9);
    expect(data(received[2])).toEqual((await ledger.call('GET', `/incidents/${incidentId}/casualties`)).json);
    // The timeline changes with every append, the statement included.
    await timeline.waitFor(5);
    expect(kinds(timeline.messages).slice(1)).toEqual([`update@${batch.position}`, `update@${talk.position}`, `update@${unsaid.position}`, `update@${last.position}`]);
    expect(casualties.comments).toContain('heartbeat');
  });

  it('resumes with Last-Event-ID with exactly what was missed, in order, nothing twice and no snapshot: from memory and, when older, rebuilt from the log', async () => {
    const { incidentId, sourceId } = await freshIncident(ledger);
    const path = `/incidents/${incidentId}/casualties/live`;
    const steady = await open(path); // stays connected: what the others must end up with
    const [first] = await steady.waitFor(1);
    const leaving = await open(path);
    await leaving.waitFor(1);
    leaving.close();
    for (let i = 0; i < 4; i++) {
      await post(ledger, incidentId, killed(sourceId, 10 + i, { occurredAt: `2022-01-1${i}` }));
      if (i === 1) await post(ledger, incidentId, statement(sourceId));
    }
    await steady.waitFor(5);
    const updates = steady.messages.slice(1);
    expect(updates.map((m) => m.event)).toEqual(['update', 'update', 'update', 'update']);

    // Two updates are kept in memory (LIVE_RECENT_UPDATES=2): the last two come from there.
    const recent = await open(path, updates[1].id!);
    await recent.waitFor(2);
    await settle();
    expect(recent.messages).toEqual(updates.slice(2));

    // From the snapshot's position: older than memory, so rebuilt from the log, and the same.
    const rebuilt = await open(path, first.id!);
    await rebuilt.waitFor(4);
    await settle();
    expect(rebuilt.messages).toEqual(updates);

    // Up to date: nothing at all until the next change, which comes once.
    const current = await open(path, updates[3].id!);
    const next = await post(ledger, incidentId, killed(sourceId, 99, { occurredAt: '2022-01-20' }));
    await current.waitFor(1);
    await settle();
    expect(kinds(current.messages)).toEqual([`update@${next.position}`]);
  });

  it('answers an id it cannot replay or does not know with a fresh snapshot', async () => {
    const { incidentId, sourceId } = await freshIncident(ledger);
    const path = `/incidents/${incidentId}/timeline/live`;
    const first = await open(path);
    const [snapshot] = await first.waitFor(1);
    for (let i = 0; i < 7; i++) await post(ledger, incidentId, killed(sourceId, i)); // beyond LIVE_REPLAY_APPENDS=5
    const head = (await ledger.call('GET', `/incidents/${incidentId}/timeline`)).json;
    for (const id of [snapshot.id!, 'not-a-position', String(head.position + 1000)]) {
      const client = await open(path, id);
      const [message] = await client.waitFor(1);
      expect(message.event).toBe('snapshot');
      expect(data(message)).toEqual(head);
    }
  });

  it('keeps 200 clients at once in step: every update to every client, once, in order', async () => {
    const { incidentId, sourceId } = await freshIncident(ledger);
    const many = await Promise.all(Array.from({ length: 200 }, () => open(`/incidents/${incidentId}/casualties/live`)));
    await Promise.all(many.map((c) => c.waitFor(1)));
    const positions: number[] = [];
    for (let i = 0; i < 10; i++) positions.push((await post(ledger, incidentId, killed(sourceId, 100 + i, { occurredAt: `2022-01-${10 + i}` }))).position);
    await Promise.all(many.map((c) => c.waitFor(11, 15000)));
    await settle();
    for (const c of many) {
      expect(c.messages.slice(1).map((m) => Number(m.id))).toEqual(positions);
      expect(c.messages.map((m) => m.data)).toEqual(many[0].messages.map((m) => m.data));
    }
  });

  it('lets go of a client that does not read, with a last overflow message, while the others get everything', async () => {
    const { incidentId, sourceId } = await freshIncident(ledger);
    const big = Array.from({ length: 1000 }, (_, i) => killed(sourceId, i, { occurredAt: `2022-01-0${1 + (i % 9)}` }));
    await post(ledger, incidentId, { events: big });
    const path = `/incidents/${incidentId}/timeline/live`;
    const stalled = await stalledClient(ledger.url + path);
    const reader = await open(path);
    await reader.waitFor(1);
    const positions: number[] = [];
    for (let i = 0; i < 40; i++) positions.push((await post(ledger, incidentId, statement(sourceId))).position);
    await reader.waitFor(41, 20000);
    expect(reader.messages.slice(1).map((m) => Number(m.id))).toEqual(positions);
    await settle(2500); // a client that comes back to reading a while later still finds its last message
    const text = await stalled.readAll();
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events[0]).toBe('snapshot');
    expect(events.at(-1)).toBe('overflow');
    expect(events.length).toBeLessThan(41);
    expect(text).toMatch(/event: overflow\ndata: \{"reason":"More than \d+ bytes/);
  }, 60000);

  it('streams the raw events, one update per append, filtered by incident and type, and resumes the same way', async () => {
    const { incidentId, sourceId } = await freshIncident(ledger);
    const all = await open(`/events/live?incident=${incidentId}`);
    const statements = await open(`/events/live?incident=${incidentId}&type=StatementMade`);
    const [snapshot] = await all.waitFor(1);
    expect(snapshot.event).toBe('snapshot');
    const batch = { events: [killed(sourceId, 1), statement(sourceId)] };
    const written = await post(ledger, incidentId, batch);
    await post(ledger, incidentId, killed(sourceId, 2));
    await all.waitFor(3);
    await statements.waitFor(2);
    await settle();
    expect(data(all.messages[1]).events.map((e: { id: string }) => e.id)).toEqual(batch.events.map((e) => e.id));
    expect(all.messages[1].id).toBe(String(written.position));
    const stored = (await ledger.call('GET', `/events/${batch.events[1].id}`)).json.event;
    expect(data(statements.messages[1]).events).toEqual([stored]);
    expect(statements.messages).toHaveLength(2);

    const resumed = await open(`/events/live?incident=${incidentId}`, snapshot.id!);
    await resumed.waitFor(2);
    await settle();
    expect(resumed.messages).toEqual(all.messages.slice(1));
  });

  it('refuses what it cannot follow: an unknown incident (404), clocks on a live stream and unknown types (400)', async () => {
    expect((await ledger.call('GET', '/incidents/no-such/casualties/live')).status).toBe(404);
    expect((await ledger.call('GET', '/events/live?incident=no-such')).status).toBe(404);
    const clocks = await ledger.call('GET', '/incidents/no-such/casualties/live?asOf=2022-01-01');
    expect(clocks.status).toBe(400);
    expect(clocks.json.details[0].field).toBe('asOf');
    const type = await ledger.call('GET', '/events/live?type=Killed');
    expect(type.status).toBe(400);
    expect(type.json.details[0].field).toBe('type');
  });
});

describe('a live stream on a small client buffer', () => {
  it('always sends the snapshot, however large, and lets the client go only once it falls behind after it', async () => {
    const ledger = await startLedger({ env: { LIVE_BUFFER_BYTES: '1024' } });
    try {
      const { incidentId, sourceId } = await freshIncident(ledger);
      await post(ledger, incidentId, { events: Array.from({ length: 20 }, (_, i) => killed(sourceId, i, { occurredAt: `2022-01-${10 + i}` })) });
      const client = await SseClient.open(`${ledger.url}/incidents/${incidentId}/timeline/live`);
      const [snapshot] = await client.waitFor(1);
      expect(snapshot.event).toBe('snapshot');
      expect(snapshot.data.length).toBeGreaterThan(1024);
      expect(data(snapshot)).toEqual((await ledger.call('GET', `/incidents/${incidentId}/timeline`)).json);
      client.close();
    } finally {
      await ledger.stop();
      removeDir(ledger.dataDir);
    }
  });
});

describe('live streams across a restart', () => {
  const dataDir = tempDataDir();
  afterAll(() => removeDir(dataDir));

  it('closes every stream with a last message on shutdown, and resumes after the restart from the log with nothing missed or doubled', async () => {
    let ledger = await startLedger({ dataDir });
    const { incidentId, sourceId } = await freshIncident(ledger);
    await post(ledger, incidentId, killed(sourceId, 1));
    const path = `/incidents/${incidentId}/casualties/live`;
    const before = await SseClient.open(ledger.url + path);
    await before.waitFor(1);
    await post(ledger, incidentId, killed(sourceId, 2, { occurredAt: '2022-01-07' }));
    await before.waitFor(2);
    await ledger.stop();
    await before.waitForEnd();
    expect(before.messages.at(-1)!.event).toBe('shutdown');
    const had = before.lastId!;

    ledger = await startLedger({ dataDir });
    try {
      const positions: number[] = [];
      for (let i = 0; i < 3; i++) positions.push((await post(ledger, incidentId, killed(sourceId, 3 + i, { occurredAt: `2022-01-1${i}` }))).position);
      const resumed = await SseClient.open(ledger.url + path, had);
      await resumed.waitFor(3);
      await settle();
      expect(kinds(resumed.messages)).toEqual(positions.map((p) => `update@${p}`));
      expect(data(resumed.messages[2])).toEqual((await ledger.call('GET', `/incidents/${incidentId}/casualties`)).json);
      resumed.close();
    } finally {
      await ledger.stop();
    }
  });
});
