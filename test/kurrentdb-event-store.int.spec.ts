import { jsonEvent, KurrentDBClient } from '@kurrent/kurrentdb-client';
import { randomUUID } from 'node:crypto';
import { IdempotencyConflict, InvalidChain, RevisionConflict, TooLarge } from '../src/core/errors';
import { KurrentDbEventStore, LEDGER_STREAMS } from '../src/core/event-store/kurrentdb/kurrentdb-event-store';
import { eventStoreContract } from './event-store.contract';
import { ProtocolStandIn, startProtocolStandIn } from './support/kurrentdb-stand-in/stand-in';

// The KurrentDB adapter passes the one contract every adapter passes, in two ways:
// - always, against the protocol stand-in (test/support/kurrentdb-stand-in): an in-process gRPC server
//   built from the protocol definitions the official client ships. It is NOT KurrentDB: it does not
//   reproduce the idempotency window, clustering, leader election or scavenging (see its README);
// - against a real KurrentDB server when KURRENTDB_URL is set (no container engine runs on the
//   development machines or in CI, so this half runs only where one is given).

const standIns: ProtocolStandIn[] = [];
afterAll(async () => {
  await Promise.all(standIns.map((s) => s.close()));
});

const STREAMS = '^s-';

eventStoreContract('KurrentDB adapter on the protocol stand-in (not KurrentDB)', async () => {
  const standIn = await startProtocolStandIn();
  standIns.push(standIn);
  let store = new KurrentDbEventStore(standIn.url, { streams: STREAMS });
  return {
    store,
    reopen: async () => {
      await store.close();
      store = new KurrentDbEventStore(standIn.url, { streams: STREAMS });
      return store;
    },
    another: async () => new KurrentDbEventStore(standIn.url, { streams: STREAMS }),
  };
});

const realServer = process.env.KURRENTDB_URL;
if (realServer) {
  eventStoreContract(`KurrentDB adapter on a real KurrentDB server (${realServer})`, async () => {
    let store = new KurrentDbEventStore(realServer, { streams: STREAMS });
    return {
      store,
      reopen: async () => {
        await store.close();
        store = new KurrentDbEventStore(realServer, { streams: STREAMS });
        return store;
      },
      another: async () => new KurrentDbEventStore(realServer, { streams: STREAMS }),
    };
  });
} else {
  describe('KurrentDB adapter on a real KurrentDB server', () => {
    it.todo('runs the same contract when KURRENTDB_URL is set (no KurrentDB server on this machine)');
  });
}

// What the adapter adds on KurrentDB, checked against the protocol stand-in (not KurrentDB) through
// the official client: the client's own view of the server is the oracle, not the adapter.
describe('KurrentDB adapter on the protocol stand-in (not KurrentDB): its mapping onto the server', () => {
  let standIn: ProtocolStandIn;
  let store: KurrentDbEventStore;
  let client: KurrentDBClient;
  beforeEach(async () => {
    standIn = await startProtocolStandIn();
    store = new KurrentDbEventStore(standIn.url, { streams: LEDGER_STREAMS });
    client = KurrentDBClient.connectionString(standIn.url);
  });
  afterEach(async () => {
    await store.close();
    await client.dispose();
    await standIn.close();
  });

  const noted = (n: number) => ({ id: randomUUID(), type: 'Noted', body: { n } });
  const seenBy = (stream: string) => client.readStream(stream);

  it('writes each event as JSON data with its append identity and hash in metadata, at the server\'s positions', async () => {
    standIn.writeSystemEvent();
    const result = await store.appendToStream('incident-a', [noted(1), noted(2)]);
    const raw = [];
    for await (const resolved of seenBy('incident-a')) raw.push(resolved.event!);
    expect(raw.map((e) => e.isJson)).toEqual([true, true]);
    expect(raw.map((e) => e.type)).toEqual(['Noted', 'Noted']);
    expect(raw.map((e) => e.data)).toEqual(result.events.map((e) => JSON.parse(e.json)));
    expect(raw.map((e) => e.metadata)).toEqual(result.events.map((e) => ({ append: e.append, hash: e.hash })));
    expect(raw.map((e) => Number(e.position!.commit))).toEqual(result.events.map((e) => e.position));
    expect(raw.map((e) => e.position!.prepare)).toEqual(raw.map((e) => e.position!.commit));
    expect(new Set(raw.map((e) => e.id)).size).toBe(2);
    expect(standIn.calls.BatchAppend).toBeGreaterThan(0); // the client's path on a server that offers it
  });

  it('takes the Append path when the server does not offer BatchAppend, with the same answers', async () => {
    const plain = await startProtocolStandIn({ batchAppend: false });
    const other = new KurrentDbEventStore(plain.url, { streams: LEDGER_STREAMS });
    try {
      const first = await other.appendToStream('incident-a', [noted(1)]);
      await expect(other.appendToStream('incident-a', [noted(2)], { expectedRevision: 5 })).rejects.toBeInstanceOf(RevisionConflict);
      const again = await other.appendToStream('incident-a', [noted(3)], { expectedRevision: 0 });
      expect(again.events[0].prevHash).toBe(first.events[0].hash);
      expect(plain.calls.Append).toBeGreaterThanOrEqual(2);
      expect(plain.calls.BatchAppend ?? 0).toBe(0);
    } finally {
      await other.close();
      await plain.close();
    }
  });

  it('reads, follows and measures only the ledger\'s streams: system events and other streams are filtered out on the server', async () => {
    const start = await store.headPosition();
    standIn.writeSystemEvent();
    await store.appendToStream('incident-a', [noted(1)]);
    await client.appendToStream('someone-elses', jsonEvent({ type: 'Other', data: { x: 1 } }));
    standIn.writeSystemEvent();
    await store.appendToStream('sources', [noted(2)]);
    standIn.writeSystemEvent();
    const all = await store.readAll({ after: start });
    expect(all.map((e) => [e.stream, e.event.n])).toEqual([['incident-a', 1], ['sources', 2]]);
    expect(await store.headPosition()).toBe(all[1].position);
    const seen: string[] = [];
    const sub = store.subscribe(start, { append: (events) => void seen.push(...events.map((e) => e.stream)) });
    await until(() => seen.length >= 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual(['incident-a', 'sources']);
    sub.close();
  });

  it('tells a subscriber the server dropped it, and a resubscription from the last handled position misses nothing and doubles nothing', async () => {
    const start = await store.headPosition();
    const seen: number[] = [];
    let last = start;
    let dropped: unknown = null;
    const sub = store.subscribe(start, {
      append: (events) => {
        seen.push(...events.map((e) => e.event.n as number));
        last = events[events.length - 1].position;
      },
      dropped: (error) => void (dropped = error),
    });
    await store.appendToStream('incident-a', [noted(1), noted(2)]);
    await until(() => seen.length >= 2);
    standIn.dropSubscriptions();
    await until(() => dropped !== null);
    await store.appendToStream('incident-a', [noted(3)]);
    sub.close();
    const again = store.subscribe(last, { append: (events) => void seen.push(...events.map((e) => e.event.n as number)) });
    await store.appendToStream('incident-a', [noted(4)]);
    await until(() => seen.length >= 4);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual([1, 2, 3, 4]);
    again.close();
  });

  it('passes over events in its streams that it did not write: reads page past them, the head is its own last event, appends after one are refused by name', async () => {
    const start = await store.headPosition();
    const mine = await store.appendToStream('incident-a', [noted(1)]);
    // Someone else's events: in a stream named like the ledger's, and in streams that only start like them.
    for (let i = 0; i < 20; i++) await client.appendToStream('incident-b', jsonEvent({ type: 'Foreign', data: { i } }));
    await client.appendToStream('sources-of-another-app', jsonEvent({ type: 'Foreign', data: {} }));
    await client.appendToStream('incidents2', jsonEvent({ type: 'Foreign', data: {} }));
    const later = await store.appendToStream('incident-c', [noted(2)]);
    await client.appendToStream('incident-c', jsonEvent({ type: 'Foreign', data: {} }));
    expect((await store.readAll({ after: start, limit: 1 })).map((e) => e.event.n)).toEqual([1]);
    expect((await store.readAll({ after: mine.position, limit: 1 })).map((e) => e.event.n)).toEqual([2]);
    expect((await store.readAll({ after: start })).map((e) => e.stream)).toEqual(['incident-a', 'incident-c']);
    expect(await store.headPosition()).toBe(later.position);
    const caught: number[] = [];
    let caughtUp = false;
    const sub = store.subscribe(start, { append: (events) => void caught.push(...events.map((e) => e.event.n as number)), caughtUp: () => void (caughtUp = true) });
    await until(() => caughtUp);
    expect(caught).toEqual([1, 2]);
    sub.close();
    const refused = store.appendToStream('incident-c', [noted(3)]);
    await expect(refused).rejects.toBeInstanceOf(InvalidChain);
    await expect(refused).rejects.toThrow(/incident-c revision 1: holds an event the ledger did not write/);
  });

  it('answers an append beyond the server\'s MaxAppendSize as too large, storing nothing', async () => {
    const small = await startProtocolStandIn({ maxAppendSize: 20_000 });
    const other = new KurrentDbEventStore(small.url, { streams: LEDGER_STREAMS });
    try {
      const big = Array.from({ length: 50 }, (_, i) => ({ id: randomUUID(), type: 'Noted', body: { n: i, text: 'x'.repeat(400) } }));
      await expect(other.appendToStream('incident-a', big)).rejects.toBeInstanceOf(TooLarge);
      expect(await other.readStream('incident-a')).toEqual([]);
      expect((await other.appendToStream('incident-a', big.slice(0, 10))).written).toBe(true);
    } finally {
      await other.close();
      await small.close();
    }
  });

  it('finds an event another writer stored with the same ledger id, whatever KurrentDB\'s own id window says', async () => {
    const e = noted(1);
    const first = await store.appendToStream('incident-a', [e]);
    // Another process's adapter, started later: it knows nothing of the stream until it reads it.
    const other = new KurrentDbEventStore(standIn.url, { streams: LEDGER_STREAMS });
    try {
      for (let i = 0; i < 30; i++) await store.appendToStream('incident-a', [noted(100 + i)]);
      const again = await other.appendToStream('incident-a', [{ ...e, body: { ...e.body } }]);
      expect([again.written, again.events[0].hash, again.events[0].position]).toEqual([false, first.events[0].hash, first.position]);
      await expect(other.appendToStream('incident-a', [{ ...e, body: { n: 9 } }])).rejects.toBeInstanceOf(IdempotencyConflict);
    } finally {
      await other.close();
    }
  });
});

async function until(condition: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}
