import { randomUUID } from 'node:crypto';
import { EventStore, EventToAppend, GENESIS_HASH } from '../src/core/event-store/event-store';
import { IdempotencyConflict, InvalidChain, RevisionConflict } from '../src/core/errors';
import { jcs, sha256Hex } from './support/jcs';

/** What an adapter's spec hands the contract: a fresh, empty store, and a way to open it again. */
export interface StoreUnderTest {
  store: EventStore;
  /** Closes the store and opens the same log again (for durability), when the adapter can. */
  reopen?: () => Promise<EventStore>;
  /** A second store on the same log, as another process would open it. */
  another?: () => Promise<EventStore>;
}

const event = (n: number, body: Record<string, unknown> = {}): EventToAppend => ({
  id: randomUUID(),
  type: 'Noted',
  body: { n, ...body },
});

/** The one contract every EventStore adapter passes. */
export function eventStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`EventStore contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: EventStore;
    let stream: string;
    beforeEach(async () => {
      subject = await open();
      store = subject.store;
      stream = `s-${randomUUID()}`;
    });
    afterEach(() => store.close());

    it('appends at revisions 0.. with strictly increasing positions and a hash chain', async () => {
      const before = await store.headPosition();
      const result = await store.appendToStream(stream, [event(1), event(2), event(3)]);
      expect(result.events.map((e) => e.revision)).toEqual([0, 1, 2]);
      expect(result.revision).toBe(2);
      const positions = result.events.map((e) => e.position);
      expect(positions[0]).toBeGreaterThan(before);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      expect(new Set(positions).size).toBe(3);
      expect(result.events[0].prevHash).toBe(GENESIS_HASH);
      for (const [i, e] of result.events.entries()) {
        expect(e.existing).toBe(false);
        // Checked as an auditor would, with a canonicaliser and SHA-256 of the tests' own, not the store's.
        expect(e.json).toBe(jcs(e.event));
        expect(e.hash).toBe(sha256Hex(jcs(e.event)));
        expect(e.event).not.toHaveProperty('hash');
        expect(e.event).not.toHaveProperty('position');
        if (i > 0) expect(e.prevHash).toBe(result.events[i - 1].hash);
      }
      const next = await store.appendToStream(stream, [event(4)]);
      expect(next.events[0].prevHash).toBe(result.events[2].hash);
      expect(next.events[0].position).toBeGreaterThan(positions[2]);
    });

    it('keeps positions increasing across streams and chains each stream on its own', async () => {
      const other = `${stream}-other`;
      const a = await store.appendToStream(stream, [event(1)]);
      const b = await store.appendToStream(other, [event(2)]);
      const c = await store.appendToStream(stream, [event(3)]);
      expect(b.events[0].position).toBeGreaterThan(a.events[0].position);
      expect(c.events[0].position).toBeGreaterThan(b.events[0].position);
      expect(b.events[0].prevHash).toBe(GENESIS_HASH);
      expect(c.events[0].prevHash).toBe(a.events[0].hash);
      expect(c.events[0].revision).toBe(1);
    });

    it('refuses an append at another revision than the expected one, storing nothing', async () => {
      await expect(store.appendToStream(stream, [event(1)], { expectedRevision: 0 })).rejects.toBeInstanceOf(RevisionConflict);
      await store.appendToStream(stream, [event(1)], { expectedRevision: -1 });
      await expect(store.appendToStream(stream, [event(2), event(3)], { expectedRevision: -1 })).rejects.toBeInstanceOf(RevisionConflict);
      expect(await store.readStream(stream)).toHaveLength(1);
      const ok = await store.appendToStream(stream, [event(2)], { expectedRevision: 0 });
      expect(ok.revision).toBe(1);
    });

    it('answers the same id and body with the first answer, writing nothing', async () => {
      const e = event(1);
      const first = await store.appendToStream(stream, [e]);
      const again = await store.appendToStream(stream, [{ ...e, body: { ...e.body } }], { expectedRevision: 7 });
      expect(again.written).toBe(false);
      expect(again.events[0].existing).toBe(true);
      const { existing: _a, ...firstAnswer } = first.events[0];
      const { existing: _b, ...againAnswer } = again.events[0];
      expect(againAnswer).toEqual(firstAnswer);
      expect(again.revision).toBe(0);
      expect(await store.readStream(stream)).toHaveLength(1);
    });

    it('refuses the same id with another body, and a batch naming one id twice', async () => {
      const e = event(1);
      await store.appendToStream(stream, [e]);
      await expect(store.appendToStream(stream, [{ ...e, body: { n: 2 } }])).rejects.toBeInstanceOf(IdempotencyConflict);
      const twice = event(5);
      await expect(store.appendToStream(stream, [twice, { ...twice, body: { n: 6 } }])).rejects.toBeInstanceOf(IdempotencyConflict);
      expect((await store.readStream(stream)).map((x) => x.id)).toEqual([e.id]);
    });

    it('stores a batch whole or not at all', async () => {
      const stored = event(1);
      await store.appendToStream(stream, [stored]);
      const fresh = event(2);
      await expect(store.appendToStream(stream, [fresh, { ...stored, body: { n: 99 } }])).rejects.toBeInstanceOf(IdempotencyConflict);
      expect((await store.readStream(stream)).map((x) => x.id)).toEqual([stored.id]);
    });

    it('appends the new events of a batch that mixes stored and new ones', async () => {
      const a = event(1);
      await store.appendToStream(stream, [a]);
      const b = event(2);
      const result = await store.appendToStream(stream, [a, b], { expectedRevision: 0 });
      expect(result.events.map((e) => [e.id, e.existing, e.revision])).toEqual([[a.id, true, 0], [b.id, false, 1]]);
      expect(result.written).toBe(true);
      expect(result.revision).toBe(1);
    });

    it('reads a stream by revision and the log by position, in pages', async () => {
      const start = await store.headPosition();
      await store.appendToStream(stream, [event(1), event(2), event(3), event(4)]);
      expect((await store.readStream(stream, { after: 1 })).map((e) => e.revision)).toEqual([2, 3]);
      expect((await store.readStream(stream, { after: -1, limit: 2 })).map((e) => e.revision)).toEqual([0, 1]);
      const all = await store.readAll({ after: start });
      expect(all.map((e) => e.event.n)).toEqual([1, 2, 3, 4]);
      const page = await store.readAll({ after: all[0].position, upTo: all[2].position });
      expect(page.map((e) => e.event.n)).toEqual([2, 3]);
      expect(await store.headPosition()).toBe(all[3].position);
      expect(await store.readStream('no-such-stream')).toEqual([]);
    });

    it('gives every event the identity of its append, its place in it and the append\'s size, read back the same', async () => {
      const result = await store.appendToStream(stream, [event(1), event(2), event(3)]);
      const single = await store.appendToStream(stream, [event(4)]);
      expect(result.events.map((e) => [e.append.index, e.append.count])).toEqual([[0, 3], [1, 3], [2, 3]]);
      expect(new Set(result.events.map((e) => e.append.id)).size).toBe(1);
      expect(single.events[0].append).toEqual({ id: expect.any(String), index: 0, count: 1 });
      expect(single.events[0].append.id).not.toBe(result.events[0].append.id);
      const read = await store.readStream(stream);
      expect(read.map((e) => e.append)).toEqual([...result.events, ...single.events].map((e) => e.append));
      expect(read.map((e) => e.json)).toEqual([...result.events, ...single.events].map((e) => e.json));
    });

    it('answers the head of a stream', async () => {
      const result = await store.appendToStream(stream, [event(1), event(2)]);
      expect(await store.streamHead(stream)).toEqual({ stream, revision: 1, hash: result.events[1].hash, position: result.events[1].position });
      expect(await store.streamHead('no-such-stream')).toBeNull();
    });

    it('catches a subscription up, says so, then follows each append once, in order, whole, off the appender\'s stack', async () => {
      const start = await store.headPosition();
      await store.appendToStream(stream, [event(1), event(2)]);
      await store.appendToStream(stream, [event(3)]);
      const appends: number[][] = [];
      let caughtUpAfter = -1;
      const sub = store.subscribe(start, {
        append: (events) => void appends.push(events.map((e) => e.event.n as number)),
        caughtUp: () => void (caughtUpAfter = appends.flat().length),
      });
      await waitFor(() => caughtUpAfter >= 0);
      expect(caughtUpAfter).toBe(3);
      const before = appends.flat().length;
      const during = store.appendToStream(`${stream}-2`, [event(4), event(5)]);
      expect(appends.flat().length).toBe(before); // nothing delivered on the appender's stack
      await during;
      await store.appendToStream(stream, [event(6)]);
      await waitFor(() => appends.flat().length >= 6);
      expect(appends).toEqual([[1, 2], [3], [4, 5], [6]]);
      sub.close();
      await store.appendToStream(stream, [event(7)]);
      await new Promise((r) => setTimeout(r, 50));
      expect(appends.flat()).not.toContain(7);
    });

    it('waits for a slow handler before the next append, and misses nothing appended meanwhile', async () => {
      const start = await store.headPosition();
      const seen: number[] = [];
      const sub = store.subscribe(start, {
        append: async (events) => {
          await new Promise((r) => setTimeout(r, 5));
          seen.push(...events.map((e) => e.event.n as number));
        },
      });
      for (let n = 1; n <= 20; n++) await store.appendToStream(stream, [event(n)]);
      await waitFor(() => seen.length >= 20);
      expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      sub.close();
    });

    it('resubscribes from the last handled position after a drop: nothing missed, nothing twice', async () => {
      const start = await store.headPosition();
      const seen: number[] = [];
      let last = start;
      let dropped: unknown = null;
      const sub = store.subscribe(start, {
        append: (events) => {
          if (events[0].event.n === 3) throw new Error('handler failed');
          seen.push(...events.map((e) => e.event.n as number));
          last = events[events.length - 1].position;
        },
        dropped: (error) => void (dropped = error),
      });
      for (let n = 1; n <= 5; n++) await store.appendToStream(stream, [event(n)]);
      await waitFor(() => dropped !== null);
      expect((dropped as Error).message).toBe('handler failed');
      expect(seen).toEqual([1, 2]);
      sub.close();
      const again = store.subscribe(last, { append: (events) => void seen.push(...events.map((e) => e.event.n as number)) });
      await store.appendToStream(stream, [event(6)]);
      await waitFor(() => seen.length >= 6);
      expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
      again.close();
    });

    it('subscribes from the middle of the log', async () => {
      const first = await store.appendToStream(stream, [event(1)]);
      await store.appendToStream(stream, [event(2)]);
      const seen: number[] = [];
      const sub = store.subscribe(first.position, { append: (events) => void seen.push(...events.map((e) => e.event.n as number)) });
      await waitFor(() => seen.length >= 1);
      expect(seen).toEqual([2]);
      sub.close();
    });

    it('answers concurrent resends of one event with one stored copy and the first answer', async () => {
      const e = event(1);
      const answers = await Promise.all(Array.from({ length: 8 }, () => store.appendToStream(stream, [{ ...e, body: { ...e.body } }])));
      expect(answers.filter((a) => a.written)).toHaveLength(1);
      expect(new Set(answers.map((a) => `${a.events[0].position}/${a.events[0].hash}`)).size).toBe(1);
      expect(await store.readStream(stream)).toHaveLength(1);
    });

    it('answers a resend long after the first answer (beyond any server-side window), and from a reopened store', async () => {
      const e = event(1);
      const first = await store.appendToStream(stream, [e]);
      for (let i = 0; i < 60; i++) await store.appendToStream(stream, [event(100 + i), event(200 + i)]);
      if (subject.reopen) store = await subject.reopen();
      const again = await store.appendToStream(stream, [{ ...e, body: { ...e.body } }]);
      expect(again.written).toBe(false);
      expect([again.events[0].position, again.events[0].hash, again.events[0].revision]).toEqual([first.position, first.events[0].hash, 0]);
      await expect(store.appendToStream(stream, [{ ...e, body: { n: 2 } }])).rejects.toBeInstanceOf(IdempotencyConflict);
      expect(await store.readStream(stream)).toHaveLength(121);
    });

    it('keeps idempotency and revisions exact between two stores on one log writing at once', async () => {
      if (!subject.another) return;
      const other = await subject.another();
      try {
        const e = event(1);
        const both = await Promise.all([store.appendToStream(stream, [e]), other.appendToStream(stream, [{ ...e, body: { ...e.body } }])]);
        expect(both.filter((a) => a.written)).toHaveLength(1);
        expect(both[0].events[0].hash).toBe(both[1].events[0].hash);
        const f = event(2);
        const clash = await Promise.allSettled([
          store.appendToStream(stream, [f]), other.appendToStream(stream, [{ ...f, body: { n: 3 } }]),
        ]);
        expect(clash.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect((clash.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(IdempotencyConflict);
        const race = await Promise.allSettled([
          store.appendToStream(stream, [event(4)], { expectedRevision: 1 }), other.appendToStream(stream, [event(5)], { expectedRevision: 1 }),
        ]);
        expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect((race.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(RevisionConflict);
        // Each store learns what the other wrote: the chain goes on from the true head.
        const next = await other.appendToStream(stream, [event(6)]);
        const read = await store.readStream(stream);
        expect(read.map((x) => x.revision)).toEqual([0, 1, 2, 3]);
        expect(next.events[0].prevHash).toBe(read[2].hash);
        const mine = await store.appendToStream(stream, [event(7)]);
        expect(mine.events[0].prevHash).toBe(read[3].hash);
      } finally {
        await other.close();
      }
    });

    it('copies appends recorded elsewhere exactly, append by append, and knows a copy it already made', async () => {
      const a = await store.appendToStream(stream, [event(1), event(2)]);
      const b = await store.appendToStream(stream, [event(3)]);
      const copy = `${stream}-copy`;
      const moved = (events: typeof a.events) => events.map(({ existing: _e, ...e }) => ({ ...e, stream: copy }));
      const seen: number[][] = [];
      const start = await store.headPosition();
      const sub = store.subscribe(start, { append: (events) => void seen.push(events.map((e) => e.event.n as number)) });
      await expect(store.importAppend(copy, moved(b.events))).rejects.toBeInstanceOf(RevisionConflict);
      expect(await store.importAppend(copy, moved(a.events))).toBe('written');
      expect(await store.importAppend(copy, moved(a.events))).toBe('present');
      expect(await store.importAppend(copy, moved(b.events))).toBe('written');
      const read = await store.readStream(copy);
      expect(read.map((e) => [e.id, e.revision, e.json, e.hash, e.prevHash, e.recordedAt])).toEqual(
        [...a.events, ...b.events].map((e) => [e.id, e.revision, e.json, e.hash, e.prevHash, e.recordedAt]),
      );
      expect(read.map((e) => e.append)).toEqual([...a.events, ...b.events].map((e) => e.append));
      expect(read[0].position).toBeGreaterThan(start);
      expect(read[1].position).toBeGreaterThan(read[0].position);
      expect(await store.streamHead(copy)).toEqual({ stream: copy, revision: 2, hash: b.events[0].hash, position: read[2].position });
      await waitFor(() => seen.length >= 2);
      expect(seen).toEqual([[1, 2], [3]]);
      sub.close();
    });

    it('refuses to copy events that do not hash or chain, storing nothing', async () => {
      const a = await store.appendToStream(stream, [event(1), event(2)]);
      const copy = `${stream}-copy`;
      const moved = a.events.map(({ existing: _e, ...e }) => ({ ...e, stream: copy }));
      const tampered = [moved[0], { ...moved[1], json: moved[1].json.replace('"n":2', '"n":3') }];
      await expect(store.importAppend(copy, tampered)).rejects.toBeInstanceOf(InvalidChain);
      await expect(store.importAppend(copy, [moved[1]])).rejects.toBeInstanceOf(RevisionConflict);
      // Hashes that hold, on a chain that starts elsewhere than the genesis hash.
      const rechained = jcs({ ...moved[0].event, prevHash: 'f'.repeat(64) });
      const first = { ...moved[0], json: rechained, prevHash: 'f'.repeat(64), hash: sha256Hex(rechained) };
      const secondJson = jcs({ ...moved[1].event, prevHash: first.hash });
      const unchained = [first, { ...moved[1], json: secondJson, prevHash: first.hash, hash: sha256Hex(secondJson) }];
      await expect(store.importAppend(copy, [moved[0]])).rejects.toBeInstanceOf(InvalidChain); // not the whole append
      await expect(store.importAppend(copy, unchained)).rejects.toBeInstanceOf(InvalidChain);
      expect(await store.readStream(copy)).toEqual([]);
      const other = await store.appendToStream(`${stream}-other`, [event(9)]);
      await store.importAppend(copy, moved);
      const foreign = other.events.map(({ existing: _e, ...e }) => ({ ...e, stream: copy, revision: 0 }));
      await expect(store.importAppend(copy, foreign)).rejects.toBeInstanceOf(InvalidChain);
      expect(await store.readStream(copy)).toHaveLength(2);
    });

    it('keeps every acknowledged event and its chain across a reopen', async () => {
      if (!subject.reopen) return;
      const result = await store.appendToStream(stream, [event(1), event(2)]);
      store = await subject.reopen();
      const read = await store.readStream(stream);
      expect(read.map((e) => [e.id, e.hash, e.position])).toEqual(result.events.map((e) => [e.id, e.hash, e.position]));
      for (const e of read) expect(e.hash).toBe(sha256Hex(jcs(e.event)));
      const next = await store.appendToStream(stream, [event(3)], { expectedRevision: 1 });
      expect(next.events[0].prevHash).toBe(result.events[1].hash);
    });
  });
}

async function waitFor(condition: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}
