import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { referenceCasualties, referenceTroops, RefEvent, RefFilters } from './oracle/reference-fold';
import { freshIncident } from './support/fixtures';
import { removeDir, RunningLedger, startLedger } from './support/ledger';

// Lineage and changes through the real server. The oracle for which events produced a number is the
// naive reference fold of the tests (test/oracle/), run on the stored events fetched from the API.

const NONE: RefFilters = { asOf: null, knownAt: null, atPosition: null };

describe('lineage of every number, and what changed between two times', () => {
  let ledger: RunningLedger;
  let incidentId: string;
  let sourceId: string;
  let stored: RefEvent[];
  const ids: Record<string, string> = {};
  const event = (name: string, type: string, day: string, data: unknown, source: Record<string, string> = {}) => {
    ids[name] = randomUUID();
    return { id: ids[name], type, occurredAt: `2022-01-0${day}`, reportedAt: `2022-01-0${day}T12:00:00Z`, source: { sourceId, ...source }, data };
  };
  const killed = (best: number, extra: Record<string, unknown> = {}) => ({ category: 'killed', group: 'civilians', figure: { best, ...extra } });
  const get = async (path: string) => {
    const reply = await ledger.call('GET', `/incidents/${incidentId}${path}`);
    if (reply.status !== 200) throw new Error(`${path}: ${reply.status} ${reply.text}`);
    return reply.json;
  };
  const sorted = (xs: string[]) => [...new Set(xs)].sort();

  beforeAll(async () => {
    ledger = await startLedger();
    ({ incidentId, sourceId } = await freshIncident(ledger));
    const events = [
      event('early', 'CasualtiesReported', '4', killed(8), { attributedTo: 'witnesses' }),
      event('first', 'CasualtiesReported', '5', killed(10), { attributedTo: 'police' }),
      event('second', 'CasualtiesReported', '6', killed(12, { qualifier: 'at_least' }), { attributedTo: 'police' }),
      event('ministry', 'CasualtiesReported', '6', killed(20, { low: 15, high: 30 }), { attributedTo: 'ministry' }),
      event('doubt', 'CasualtiesReported', '6', killed(40), { attributedTo: 'opposition' }),
      event('russia', 'TroopsDeployed', '6', { contributor: 'Russia', status: 'deployed', strength: { best: 2000 } }),
      event('armenia', 'TroopsDeployed', '6', { contributor: 'Armenia', status: 'arriving', strength: { best: 100, low: 70 } }),
      event('russia-more', 'TroopsDeployed', '7', { contributor: 'Russia', status: 'deployed', strength: { best: 2500, qualifier: 'more_than' } }),
      event('curfew', 'MeasureImposed', '5', { measure: 'curfew', scope: 'Almaty' }),
    ];
    await ledger.call('POST', `/incidents/${incidentId}/events`, { events });
    const later = [
      event('correction', 'ClaimCorrected', '8', { eventId: ids.ministry, figure: { best: 25, low: 20, high: 30 } }),
      event('retraction', 'ClaimRetracted', '8', { eventId: ids.doubt, reason: 'withdrawn' }),
    ];
    const reply = await ledger.call('POST', `/incidents/${incidentId}/events`, { events: later });
    if (reply.status !== 201) throw new Error(reply.text);
    stored = (await ledger.call('GET', `/incidents/${incidentId}/events?limit=1000`)).json.events;
  });
  afterAll(async () => {
    await ledger.stop();
    removeDir(ledger.dataDir);
  });

  it.each([
    ['now', '', NONE],
    ['known on 7 January (before the correction and the retraction)', '&knownAt=2022-01-07T18:00:00Z', { ...NONE, knownAt: '2022-01-07T18:00:00.000Z' }],
    ['as of 5 January', '&asOf=2022-01-05T12:00:00Z', { ...NONE, asOf: '2022-01-05T12:00:00.000Z' }],
  ])('a tally\'s low, best and high come from exactly its counted claims and their corrections, with what was left out: %s', async (_name, clocks, filters) => {
    const [tally] = referenceCasualties(stored, filters as RefFilters);
    const counted = tally.claims.flatMap((c) => (c.correctedBy ? [c.eventId, c.correctedBy] : [c.eventId]));
    for (const field of ['low', 'best', 'high']) {
      const lineage = await get(`/casualties/lineage?path=/tallies/0/${field}${clocks}`);
      expect(lineage.value).toEqual((tally as any)[field]);
      expect(sorted(lineage.eventIds)).toEqual(sorted(counted));
      expect(sorted(lineage.excluded.map((x: { eventId: string }) => x.eventId))).toEqual(sorted(tally.excluded.map((x) => x.eventId)));
      expect(lineage.excluded.map((x: { reason: string }) => x.reason).sort()).toEqual(tally.excluded.map((x) => x.reason).sort());
      expect(lineage.rule).toMatch(new RegExp(`^/tallies/0 ${field}`));
    }
    const best = await get(`/casualties/lineage?path=/tallies/0/best${clocks}`);
    expect(best.events[0].eventId).toBe(tally.bestFrom); // the claim the best comes from is named first
  });

  it('names each event with its quote, attribution and clocks, and each source with its publisher and title', async () => {
    const lineage = await get('/casualties/lineage?path=/tallies/0/best');
    const byId = new Map(stored.map((e) => [e.id, e]));
    for (const e of lineage.events) {
      const s = byId.get(e.eventId)!;
      expect(e).toMatchObject({ type: s.type, sourceId: s.source.sourceId, attributedTo: s.source.attributedTo ?? null, occurredAt: s.occurredAt, reportedAt: s.reportedAt, position: s.position });
    }
    expect(lineage.sources).toEqual([expect.objectContaining({ id: sourceId, publisher: 'Wire', title: 'Clashes' })]);
    const [tally] = referenceCasualties(stored, NONE);
    const from = stored.find((e) => e.id === tally.bestFrom)!;
    expect(lineage.rule).toContain(`${from.source.attributedTo} via Wire`);
  });

  it('traces the troop total to the strengths of the units present, and a status to the report that set it', async () => {
    const troops = referenceTroops(stored, NONE);
    const present = troops.contributors.filter((c) => ['arriving', 'deployed', 'withdrawing'].includes(c.status ?? ''));
    const expected = present.flatMap((c) => c.strength.claims.map((x) => x.eventId));
    for (const field of ['low', 'best', 'high']) {
      const total = await get(`/troop-presence/lineage?path=/total/${field}`);
      expect(total.value).toEqual((troops.total as any)[field]);
      expect(sorted(total.eventIds)).toEqual(sorted(expected));
    }
    const russia = (await get('/troop-presence')).contributors.findIndex((c: { contributor: string }) => c.contributor === 'Russia');
    const status = await get(`/troop-presence/lineage?path=/contributors/${russia}/status`);
    expect(status.value).toBe('deployed');
    expect(status.eventIds[0]).toBe(ids['russia-more']);
    const strength = await get(`/troop-presence/lineage?path=/contributors/${russia}/strength/best`);
    expect(strength.eventIds).toEqual([ids['russia-more']]);
    expect(strength.excluded).toEqual([expect.objectContaining({ eventId: ids.russia, by: ids['russia-more'], reason: 'superseded' })]);
  });

  it('traces a situation entry and a timeline entry to their event, and a whole list to every event it names', async () => {
    const measure = await get('/situation/lineage?path=/measures/0/active');
    expect([measure.value, measure.eventIds]).toEqual([true, [ids.curfew]]);
    const timeline = await get('/timeline');
    const entry = await get('/timeline/lineage?path=/entries/0/summary');
    expect(entry.eventIds).toEqual([timeline.entries[0].eventId]);
    const all = await get('/timeline/lineage?path=/entries');
    expect(sorted(all.eventIds)).toEqual(sorted(stored.map((e) => e.id)));
  });

  it('adds an offline proof on request: the events behind the value in their chains under a signed head, which tools/verify.mjs accepts, and not once a byte changes', async () => {
    const lineage = await get('/casualties/lineage?path=/tallies/0/best&proof=true');
    const { proof } = lineage;
    const proven = new Set(proof.events.map((e: { id: string }) => e.id));
    for (const id of [...lineage.eventIds, ...lineage.excluded.flatMap((x: { eventId: string; by: string }) => [x.eventId, x.by])]) expect(proven).toContain(id);
    for (const e of proof.events) expect(createHash('sha256').update(e.raw).digest('hex')).toBe(e.hash);
    const key = join(ledger.dataDir, 'lineage-key.pem');
    writeFileSync(key, (await ledger.call('GET', '/audit/key')).json.publicKey);
    const verify = (bundle: string) =>
      new Promise<number>((resolve) => {
        const file = join(ledger.dataDir, `lineage-proof-${randomUUID()}.json`);
        writeFileSync(file, bundle);
        execFile(process.execPath, [join(__dirname, '..', 'tools', 'verify.mjs'), '--bundle', file, '--key', key], (error) =>
          resolve(error ? Number(error.code ?? -1) : 0),
        );
      });
    const text = JSON.stringify(proof);
    expect(await verify(text)).toBe(0);
    // One digit of the first event's figure, changed.
    const raw: string = proof.events[0].raw;
    const digit = raw.search(/"best":\d/) + '"best":'.length;
    const tampered = { ...proof, events: [{ ...proof.events[0], raw: raw.slice(0, digit) + String((Number(raw[digit]) + 1) % 10) + raw.slice(digit + 1) }, ...proof.events.slice(1)] };
    expect(await verify(JSON.stringify(tampered))).toBe(1);
  });

  it('answers 404 with the reason for a pointer that names nothing, and 400 for one that is not a pointer', async () => {
    const missing = await ledger.call('GET', `/incidents/${incidentId}/casualties/lineage?path=/tallies/7/best`);
    expect(missing.status).toBe(404);
    expect(missing.json.message).toMatch(/nothing at \/tallies\/7\/best: \/tallies has \d+ entr/);
    const field = await ledger.call('GET', `/incidents/${incidentId}/casualties/lineage?path=/tallies/0/median`);
    expect(field.status).toBe(404);
    const bad = await ledger.call('GET', `/incidents/${incidentId}/casualties/lineage?path=tallies`);
    expect([bad.status, bad.json.details[0].field]).toEqual([400, 'path']);
    const none = await ledger.call('GET', `/incidents/${incidentId}/casualties/lineage`);
    expect([none.status, none.json.details[0].field]).toEqual([400, 'path']);
  });

  it('lists what changed between two knowledge times, each change with the events reported in between that made it', async () => {
    const diff = await get('/casualties/changes?from=2022-01-07T18:00:00Z&to=2022-01-08T18:00:00Z');
    expect(diff.clock).toBe('knownAt');
    const before = referenceCasualties(stored, { ...NONE, knownAt: '2022-01-07T18:00:00.000Z' })[0];
    const after = referenceCasualties(stored, { ...NONE, knownAt: '2022-01-08T18:00:00.000Z' })[0];
    const best = diff.changes.find((c: { path: string }) => c.path === '/tallies/0/best');
    expect(best).toMatchObject({ before: before.best, after: after.best });
    const high = diff.changes.find((c: { path: string }) => c.path === '/tallies/0/high');
    expect(high ? [high.before, high.after] : [before.high, after.high]).toEqual([before.high, after.high]);
    // Every event named was reported in between; the correction and the retraction both are.
    const named = new Set(diff.changes.flatMap((c: { events: string[] }) => c.events));
    expect(named).toEqual(new Set([ids.correction, ids.retraction]));
    const retracted = diff.changes.find((c: { after: any }) => c.after?.eventId === ids.doubt && c.after?.reason === 'retracted');
    expect(retracted.events).toEqual([ids.retraction]);
    // Nothing changed between two times with nothing reported in between.
    expect((await get('/casualties/changes?from=2022-01-09&to=2022-01-10')).changes).toEqual([]);
    // On event time: what had happened by 5 and by 6 January.
    const happened = await get('/casualties/changes?clock=asOf&from=2022-01-05&to=2022-01-06');
    expect(happened.clock).toBe('asOf');
    expect(new Set(happened.changes.flatMap((c: { events: string[] }) => c.events))).toEqual(new Set([ids.second, ids.ministry, ids.doubt]));
  });

  it('refuses changes without both times or with an unknown clock', async () => {
    const missing = await ledger.call('GET', `/incidents/${incidentId}/casualties/changes?from=2022-01-07`);
    expect([missing.status, missing.json.details[0].field]).toEqual([400, 'to']);
    const clock = await ledger.call('GET', `/incidents/${incidentId}/casualties/changes?from=2022-01-07&to=2022-01-08&clock=atPosition`);
    expect([clock.status, clock.json.details[0].field]).toEqual([400, 'clock']);
    const bad = await ledger.call('GET', `/incidents/${incidentId}/casualties/changes?from=soon&to=2022-01-08`);
    expect([bad.status, bad.json.details[0].field]).toEqual([400, 'from']);
  });
});

describe('the Kazakhstan record between 9 and 11 January', () => {
  it('names the health ministry\'s retraction among what was learned', async () => {
    const ledger = await startLedger({ datasets: 'kazakhstan-2022' });
    try {
      // The data set is stored before the server listens; the read models catch up just after.
      while ((await ledger.call('GET', '/health/ready')).status !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
      const diff = (await ledger.call('GET', '/incidents/kz-2022-unrest/casualties/changes?from=2022-01-09&to=2022-01-11')).json;
      const events = diff.changes.flatMap((c: { events: string[] }) => c.events);
      expect(events).toContain('440c4a6e-7644-40f4-9474-18a4000618c4'); // "issued and then withdrawn a statement saying at least 164 people had died"
      const change = diff.changes.find((c: { events: string[] }) => c.events.includes('440c4a6e-7644-40f4-9474-18a4000618c4'));
      expect(change.after).toMatchObject({ eventId: '00edb6a5-4e11-441f-867b-f3197673bc5f', reason: 'retracted' });
    } finally {
      await ledger.stop();
      removeDir(ledger.dataDir);
    }
  });
});
