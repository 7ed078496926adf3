/**
 * The KurrentDB protocol stand-in (test/support/kurrentdb-stand-in), driven only through the
 * official client over a real socket. It is a protocol stand-in, not KurrentDB: these tests
 * prove it answers the client the way KurrentDB's documented behaviour says, so the adapter's
 * tests can run in CI without a server.
 */
import { randomUUID } from 'node:crypto';
import {
  ANY,
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type Position,
  type ResolvedEvent,
  type StreamSubscription,
  type AllStreamSubscription,
} from '@kurrent/kurrentdb-client';
import { startProtocolStandIn, type ProtocolStandIn } from './support/kurrentdb-stand-in';

jest.setTimeout(10_000);

const event = (type: string, data: Record<string, unknown> = {}, id: string = randomUUID()) => jsonEvent({ id, type, data });

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

async function until(condition: () => boolean, what: string, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Records what a subscription emits, in order: events, `caughtUp` markers, errors, end. */
function record(subscription: StreamSubscription | AllStreamSubscription) {
  const seen: Array<{ kind: 'event'; event: ResolvedEvent } | { kind: 'caughtUp' }> = [];
  const state = { error: undefined as Error | undefined, closed: false, confirmed: false };
  subscription.on('data', (resolved: ResolvedEvent) => seen.push({ kind: 'event', event: resolved }));
  subscription.on('caughtUp', () => seen.push({ kind: 'caughtUp' }));
  subscription.on('confirmation', () => (state.confirmed = true));
  subscription.on('error', (error: Error) => (state.error = error));
  subscription.on('close', () => (state.closed = true));
  const events = () => seen.flatMap((s) => (s.kind === 'event' ? [s.event] : []));
  const userEvents = () => events().filter((e) => !e.event!.streamId.startsWith('$'));
  return { seen, state, events, userEvents };
}

const positionOf = (resolved: ResolvedEvent): Position => resolved.event!.position!;

describe.each([
  { batchAppend: true, path: 'BatchAppend', other: 'Append' },
  { batchAppend: false, path: 'Append', other: 'BatchAppend' },
])('protocol stand-in, not KurrentDB: appends with batchAppend=$batchAppend', ({ batchAppend, path, other }) => {
  let standIn: ProtocolStandIn;
  let client: KurrentDBClient;
  beforeAll(async () => {
    standIn = await startProtocolStandIn({ batchAppend });
    client = KurrentDBClient.connectionString(standIn.url);
  });
  afterAll(async () => {
    await client.dispose();
    await standIn.close();
  });

  it(`protocol stand-in, not KurrentDB: single and batch appends go through ${path}, never ${other}`, async () => {
    const stream = `order-${randomUUID()}`;
    const one = await client.appendToStream(stream, event('Opened', { n: 0 }));
    const batch = await client.appendToStream(stream, [event('Line', { n: 1 }), event('Line', { n: 2 }), event('Closed', { n: 3 })]);
    expect(one.success).toBe(true);
    expect(one.nextExpectedRevision).toBe(0n);
    expect(batch.nextExpectedRevision).toBe(3n);
    expect(one.position!.commit).toBe(one.position!.prepare);
    expect(batch.position!.commit).toBeGreaterThan(one.position!.commit);
    expect(standIn.calls[path]).toBe(2);
    expect(standIn.calls[other]).toBeUndefined();

    const read = await collect(client.readStream(stream));
    expect(read.map((e) => [e.event!.revision, e.event!.type, (e.event!.data as { n: number }).n])).toEqual([
      [0n, 'Opened', 0],
      [1n, 'Line', 1],
      [2n, 'Line', 2],
      [3n, 'Closed', 3],
    ]);
    // the append result's position is that of the last event it wrote
    expect(positionOf(read[3])).toEqual(batch.position);
  });

  it('protocol stand-in, not KurrentDB: expected state no_stream, stream_exists, a revision, any — and WrongExpectedVersionError with the current revision', async () => {
    const stream = `case-${randomUUID()}`;
    const wrong = async (promise: Promise<unknown>) => {
      const error = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      const { streamName, expectedState, actualState } = error as WrongExpectedVersionError;
      return { streamName, expectedState, actualState };
    };

    expect(await wrong(client.appendToStream(stream, event('X'), { streamState: STREAM_EXISTS }))).toEqual({
      streamName: stream,
      expectedState: 'stream_exists',
      actualState: 'no_stream',
    });
    expect(await wrong(client.appendToStream(stream, event('X'), { streamState: 0n }))).toEqual({
      streamName: stream,
      expectedState: 0n,
      actualState: 'no_stream',
    });
    expect((await client.appendToStream(stream, event('A'), { streamState: NO_STREAM })).nextExpectedRevision).toBe(0n);
    expect(await wrong(client.appendToStream(stream, event('X'), { streamState: NO_STREAM }))).toEqual({
      streamName: stream,
      expectedState: 'no_stream',
      actualState: 0n,
    });
    expect((await client.appendToStream(stream, event('B'), { streamState: STREAM_EXISTS })).nextExpectedRevision).toBe(1n);
    expect((await client.appendToStream(stream, [event('C'), event('D')], { streamState: 1n })).nextExpectedRevision).toBe(3n);
    expect(await wrong(client.appendToStream(stream, event('X'), { streamState: 1n }))).toEqual({
      streamName: stream,
      expectedState: 1n,
      actualState: 3n,
    });
    expect((await client.appendToStream(stream, event('E'), { streamState: ANY })).nextExpectedRevision).toBe(4n);

    // a failed append writes nothing: the stream holds exactly the accepted events
    const types = (await collect(client.readStream(stream))).map((e) => e.event!.type);
    expect(types).toEqual(['A', 'B', 'C', 'D', 'E']);
  });

  it('protocol stand-in, not KurrentDB: retrying the same event ids at the same expected revision succeeds without writing twice', async () => {
    const stream = `retry-${randomUUID()}`;
    await client.appendToStream(stream, event('First'), { streamState: NO_STREAM });
    const ids = [randomUUID(), randomUUID()];
    const first = await client.appendToStream(stream, [event('Second', {}, ids[0]), event('Third', {}, ids[1])], { streamState: 0n });
    const retry = await client.appendToStream(stream, [event('Second', {}, ids[0]), event('Third', {}, ids[1])], { streamState: 0n });
    expect(retry).toEqual(first);
    expect((await collect(client.readStream(stream))).map((e) => e.event!.id)).toEqual([expect.any(String), ...ids]);
    // different ids at the same, now stale, revision are a conflict
    await expect(client.appendToStream(stream, event('Other'), { streamState: 0n })).rejects.toBeInstanceOf(WrongExpectedVersionError);
  });
});

describe('protocol stand-in, not KurrentDB: reads and subscriptions', () => {
  let standIn: ProtocolStandIn;
  let client: KurrentDBClient;
  const cart = `cart-${randomUUID()}`;
  const invoice = `invoice-${randomUUID()}`;

  beforeAll(async () => {
    standIn = await startProtocolStandIn();
    client = KurrentDBClient.connectionString(standIn.url);
    await client.appendToStream(cart, [event('ItemAdded', { i: 0 }), event('ItemAdded', { i: 1 }), event('CheckedOut', { i: 2 })]);
    standIn.writeSystemEvent();
    await client.appendToStream(invoice, [event('Issued', { i: 0 }), event('Paid', { i: 1 })]);
    standIn.writeSystemEvent();
  });
  afterAll(async () => {
    await client.dispose();
    await standIn.close();
  });

  it('protocol stand-in, not KurrentDB: readStream forwards and backwards, from a revision, with a count', async () => {
    const revisions = async (options: Parameters<KurrentDBClient['readStream']>[1]) =>
      (await collect(client.readStream(cart, options))).map((e) => e.event!.revision);
    expect(await revisions({ direction: FORWARDS, fromRevision: START })).toEqual([0n, 1n, 2n]);
    expect(await revisions({ direction: BACKWARDS, fromRevision: END })).toEqual([2n, 1n, 0n]);
    expect(await revisions({ direction: FORWARDS, fromRevision: 1n })).toEqual([1n, 2n]);
    expect(await revisions({ direction: BACKWARDS, fromRevision: 1n })).toEqual([1n, 0n]);
    expect(await revisions({ direction: FORWARDS, fromRevision: START, maxCount: 2 })).toEqual([0n, 1n]);
    const [first] = await collect(client.readStream(cart, { maxCount: 1 }));
    expect(first.event).toMatchObject({ streamId: cart, type: 'ItemAdded', isJson: true, data: { i: 0 } });
  });

  it('protocol stand-in, not KurrentDB: readStream on a missing stream raises StreamNotFoundError', async () => {
    const missing = `nothing-${randomUUID()}`;
    const error = await collect(client.readStream(missing)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StreamNotFoundError);
    expect((error as StreamNotFoundError).streamName).toBe(missing);
  });

  it('protocol stand-in, not KurrentDB: readAll forwards and backwards returns system events unfiltered; positions strictly increase with commit == prepare', async () => {
    const forwards = await collect(client.readAll({ direction: FORWARDS, fromPosition: START }));
    const backwards = await collect(client.readAll({ direction: BACKWARDS, fromPosition: END }));
    expect(backwards.map((e) => e.event!.id)).toEqual(forwards.map((e) => e.event!.id).reverse());
    expect(forwards.some((e) => e.event!.streamId.startsWith('$stats-'))).toBe(true);
    expect(forwards.filter((e) => !e.event!.streamId.startsWith('$')).map((e) => `${e.event!.streamId}@${e.event!.revision}`)).toEqual([
      `${cart}@0`,
      `${cart}@1`,
      `${cart}@2`,
      `${invoice}@0`,
      `${invoice}@1`,
    ]);
    const positions = forwards.map(positionOf);
    for (const p of positions) {
      expect(p.commit).toBe(p.prepare);
      expect(p.commit).toBeGreaterThan(0n);
    }
    for (let i = 1; i < positions.length; i++) expect(positions[i].commit).toBeGreaterThan(positions[i - 1].commit + 1n);
    // resolved events carry the `$all` position as their commit position too
    expect((forwards as AllStreamResolvedEvent[]).map((e) => e.commitPosition)).toEqual(positions.map((p) => p.commit));
  });

  it('protocol stand-in, not KurrentDB: readAll from a position — forwards includes it, backwards returns what is before it', async () => {
    const all = await collect(client.readAll());
    const at = all.findIndex((e) => e.event!.streamId === invoice);
    const position = positionOf(all[at]);
    const forwards = await collect(client.readAll({ fromPosition: position, direction: FORWARDS }));
    const backwards = await collect(client.readAll({ fromPosition: position, direction: BACKWARDS }));
    expect(forwards.map((e) => e.event!.id)).toEqual(all.slice(at).map((e) => e.event!.id));
    expect(backwards.map((e) => e.event!.id)).toEqual(all.slice(0, at).map((e) => e.event!.id).reverse());
    expect((await collect(client.readAll({ fromPosition: position, maxCount: 1 }))).map((e) => e.event!.id)).toEqual([all[at].event!.id]);
  });

  it('protocol stand-in, not KurrentDB: readAll with stream-prefix and event-type regex filters skips system events', async () => {
    const byPrefix = await collect(client.readAll({ filter: streamNameFilter({ prefixes: ['invoice-', 'cart-'] }) }));
    expect(byPrefix.map((e) => e.event!.streamId)).toEqual([cart, cart, cart, invoice, invoice]);
    const backwardsByPrefix = await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, filter: streamNameFilter({ prefixes: ['invoice-'] }) }));
    expect(backwardsByPrefix.map((e) => e.event!.type)).toEqual(['Paid', 'Issued']);
    const noSystem = await collect(client.readAll({ filter: excludeSystemEvents() }));
    expect(noSystem.map((e) => e.event!.type)).toEqual(['ItemAdded', 'ItemAdded', 'CheckedOut', 'Issued', 'Paid']);
    const byTypeRegex = await collect(client.readAll({ filter: eventTypeFilter({ regex: '^(Paid|CheckedOut)$' }) }));
    expect(byTypeRegex.map((e) => e.event!.type)).toEqual(['CheckedOut', 'Paid']);
    const byStreamRegex = await collect(client.readAll({ filter: streamNameFilter({ regex: '^\\$stats-' }) }));
    expect(byStreamRegex.length).toBeGreaterThanOrEqual(2);
    expect(byStreamRegex.every((e) => e.event!.type === '$statsCollected')).toBe(true);
  });

  it('protocol stand-in, not KurrentDB: subscribeToAll catches up, signals caughtUp, then delivers live events in order, each once', async () => {
    const existing = (await collect(client.readAll())).map((e) => e.event!.id);
    const subscription = client.subscribeToAll({ fromPosition: START });
    const seen = record(subscription);
    await until(() => seen.seen.some((s) => s.kind === 'caughtUp'), 'caughtUp');
    expect(seen.state.confirmed).toBe(true);
    const caughtUpAt = seen.seen.findIndex((s) => s.kind === 'caughtUp');
    expect(seen.events().map((e) => e.event!.id)).toEqual(existing);
    expect(caughtUpAt).toBe(existing.length);

    const live = `live-${randomUUID()}`;
    const before = Date.now();
    for (let i = 0; i < 5; i++) await client.appendToStream(live, [event('Tick', { i: 2 * i }), event('Tick', { i: 2 * i + 1 })]);
    await until(() => seen.events().filter((e) => e.event!.streamId === live).length >= 10, 'live events');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const liveEvents = seen.events().filter((e) => e.event!.streamId === live);
    expect(liveEvents.map((e) => (e.event!.data as { i: number }).i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(seen.seen.slice(caughtUpAt + 1).every((s) => s.kind === 'event')).toBe(true);
    // `created` arrives as .NET ticks since the Unix epoch and converts to the time of the append
    const created = liveEvents[0].event!.created.getTime();
    expect(created).toBeGreaterThanOrEqual(before - 5);
    expect(created).toBeLessThanOrEqual(Date.now() + 5);
    const positions = seen.events().map((e) => positionOf(e).commit);
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
    await subscription.unsubscribe();
  });

  it('protocol stand-in, not KurrentDB: subscribeToAll from a position starts after it (exclusive)', async () => {
    const all = await collect(client.readAll());
    const at = all.findIndex((e) => e.event!.streamId === cart && e.event!.revision === 1n);
    const subscription = client.subscribeToAll({ fromPosition: positionOf(all[at]) });
    const seen = record(subscription);
    await until(() => seen.seen.some((s) => s.kind === 'caughtUp'), 'caughtUp');
    expect(seen.events().map((e) => e.event!.id)).toEqual(all.slice(at + 1).map((e) => e.event!.id));
    await subscription.unsubscribe();
  });

  it('protocol stand-in, not KurrentDB: filtered subscribeToAll skips system events and reports checkpoints', async () => {
    const checkpoints: Position[] = [];
    const subscription = client.subscribeToAll({
      fromPosition: START,
      filter: excludeSystemEvents({ maxSearchWindow: 2, checkpointInterval: 1, checkpointReached: (_s, position) => void checkpoints.push(position) }),
    });
    const seen = record(subscription);
    await until(() => seen.seen.some((s) => s.kind === 'caughtUp'), 'caughtUp');
    const scanned = (await collect(client.readAll())).length;
    expect(seen.events().some((e) => e.event!.streamId.startsWith('$'))).toBe(false);
    expect(checkpoints.length).toBe(Math.floor(scanned / 2));
    const filtered = `filtered-${randomUUID()}`;
    const checkpointsBefore = checkpoints.length;
    standIn.writeSystemEvent();
    standIn.writeSystemEvent();
    await client.appendToStream(filtered, event('Seen'));
    await until(() => seen.events().some((e) => e.event!.streamId === filtered), 'the live event');
    await until(() => checkpoints.length > checkpointsBefore, 'a live checkpoint');
    expect(seen.events().some((e) => e.event!.streamId.startsWith('$'))).toBe(false);
    for (const p of checkpoints) expect(p.commit).toBe(p.prepare);
    for (let i = 1; i < checkpoints.length; i++) expect(checkpoints[i].commit).toBeGreaterThan(checkpoints[i - 1].commit);
    await subscription.unsubscribe();
  });

  it('protocol stand-in, not KurrentDB: subscribeToStream from a revision (exclusive), then live', async () => {
    const stream = `sub-${randomUUID()}`;
    await client.appendToStream(stream, [event('A'), event('B'), event('C')]);
    const subscription = client.subscribeToStream(stream, { fromRevision: 0n });
    const seen = record(subscription);
    await until(() => seen.seen.some((s) => s.kind === 'caughtUp'), 'caughtUp');
    await client.appendToStream(stream, event('D'));
    await until(() => seen.events().length === 3, 'the live event');
    expect(seen.seen.map((s) => (s.kind === 'event' ? s.event.event!.type : s.kind))).toEqual(['B', 'C', 'caughtUp', 'D']);
    await subscription.unsubscribe();
  });

  it('protocol stand-in, not KurrentDB: a slow subscriber still gets every event once, in order (backpressure, no drops)', async () => {
    const bulk = `bulk-${randomUUID()}`;
    const padding = 'x'.repeat(2_000);
    for (let batch = 0; batch < 10; batch++) {
      await client.appendToStream(
        bulk,
        Array.from({ length: 200 }, (_, i) => event('Bulk', { i: batch * 200 + i, padding })),
      );
    }
    const subscription = client.subscribeToAll({ fromPosition: START, filter: streamNameFilter({ prefixes: ['bulk-'] }) }, { highWaterMark: 4 });
    // ~4 MB waits in the transport while nobody reads
    await new Promise((resolve) => setTimeout(resolve, 300));
    const received: number[] = [];
    const live = `bulk-live-${randomUUID()}`;
    let appendedLive = false;
    for await (const resolved of subscription as AsyncIterable<ResolvedEvent>) {
      received.push((resolved.event!.data as { i: number }).i);
      if (received.length % 500 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      if (received.length === 1_000 && !appendedLive) {
        appendedLive = true; // appended while the subscriber is still behind
        await client.appendToStream(live, [event('Bulk', { i: 2_000 }), event('Bulk', { i: 2_001 })]);
      }
      if (received.length === 2_002) break;
    }
    await subscription.unsubscribe();
    expect(received).toEqual(Array.from({ length: 2_002 }, (_, i) => i));
  });

  it('protocol stand-in, not KurrentDB: unsubscribe ends the subscription cleanly; later appends are not delivered', async () => {
    const subscription = client.subscribeToAll({ fromPosition: END });
    const seen = record(subscription);
    await until(() => seen.seen.some((s) => s.kind === 'caughtUp'), 'caughtUp');
    await subscription.unsubscribe();
    await until(() => seen.state.closed, 'the subscription to close');
    await client.appendToStream(`after-${randomUUID()}`, event('Late'));
    standIn.dropSubscriptions(); // must not reach the closed subscription as an error
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen.events()).toEqual([]);
    expect(seen.state.error).toBeUndefined();
  });

  it('protocol stand-in, not KurrentDB: dropSubscriptions() surfaces as UnavailableError on an open subscription', async () => {
    const subscription = client.subscribeToAll({ fromPosition: END, filter: excludeSystemEvents() });
    const seen = record(subscription);
    await until(() => seen.seen.some((s) => s.kind === 'caughtUp'), 'caughtUp');
    standIn.dropSubscriptions();
    await until(() => seen.state.error !== undefined, 'the subscription error');
    expect(seen.state.error).toBeInstanceOf(UnavailableError);
    // the client still works afterwards (it reconnects on UNAVAILABLE)
    const stream = `after-drop-${randomUUID()}`;
    await client.appendToStream(stream, event('StillWorks'));
    expect((await collect(client.readStream(stream))).map((e) => e.event!.type)).toEqual(['StillWorks']);
  });
});
