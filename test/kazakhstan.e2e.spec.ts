import { readDataSet } from '../src/datasets/data-set';
import { freshIncident, killed } from './support/fixtures';
import { RunningLedger, useLedger } from './support/ledger';

// The Kazakhstan data set as loaded at start (DATASETS=kazakhstan-2022), read through every projection.
const KZ = 'kz-2022-unrest';
const dataSet = readDataSet('kazakhstan-2022');
const idOf = (predicate: (e: any) => boolean): string => (dataSet.events as any[]).find(predicate).id;
const HEALTH_164 = idOf((e) => e.type === 'CasualtiesReported' && e.data.figure.best === 164);

let ledger: RunningLedger;
const get = async (path: string) => {
  const res = await ledger.call('GET', path);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.text}`);
  return res.json;
};
const tally = (answer: any, category: string, group: string, scope = 'nationwide') =>
  answer.tallies.find((t: any) => t.category === category && t.group === group && t.scope === scope);
const counts = (t: any, eventId: string) => t.claims.some((c: any) => c.eventId === eventId);
const excludedAs = (t: any, eventId: string) => t.excluded.find((x: any) => x.eventId === eventId)?.reason;

const running = useLedger({ datasets: 'kazakhstan-2022' });
beforeAll(() => {
  ledger = running();
});

describe('the Kazakhstan data set', () => {
  it('loads at start with no event refused', async () => {
    expect(dataSet.events.length).toBeGreaterThanOrEqual(40);
    const incident = await get(`/incidents/${KZ}`);
    expect(incident).toMatchObject({ eventCount: dataSet.events.length, revision: dataSet.events.length - 1, timeZone: 'Asia/Almaty' });
    expect((await get('/sources')).sources).toHaveLength(5);
  });

  it('keeps the health ministry\'s withdrawn 164 in excluded, and shows it to what was known on the morning of 9 January', async () => {
    const today = tally(await get(`/incidents/${KZ}/casualties`), 'killed', 'unspecified');
    expect(excludedAs(today, HEALTH_164)).toBe('retracted');
    expect(counts(today, HEALTH_164)).toBe(false);
    const morning = tally(await get(`/incidents/${KZ}/casualties?knownAt=2022-01-09T09:00:00%2B06:00`), 'killed', 'unspecified');
    expect(counts(morning, HEALTH_164)).toBe(true);
    expect(morning.best).toBe(164);
    const eleventh = tally(await get(`/incidents/${KZ}/casualties?knownAt=2022-01-11`), 'killed', 'unspecified');
    expect(excludedAs(eleventh, HEALTH_164)).toBe('retracted');
    const ninthAsKnownToday = tally(await get(`/incidents/${KZ}/casualties?asOf=2022-01-09`), 'killed', 'unspecified');
    expect(excludedAs(ninthAsKnownToday, HEALTH_164)).toBe('retracted');
  });

  it('counts arrests of at least 5,800, traced to the president\'s office', async () => {
    const arrests = tally(await get(`/incidents/${KZ}/casualties`), 'arrested', 'unspecified');
    expect(arrests.best).toBeGreaterThanOrEqual(5800);
    expect(arrests.openEnded).toBe(true);
    expect(arrests.claims[0]).toMatchObject({ attributedTo: expect.stringMatching(/president/i), quote: expect.stringContaining('5,800') });
  });

  it('traces troop strength to three sources and their figures', async () => {
    const troops = await get(`/incidents/${KZ}/troop-presence`);
    const strengths = [...troops.forces, ...troops.contributors].map((f: any) => f.strength);
    const claimed = strengths.flatMap((s: any) => [...s.claims.map((c: any) => c.eventId), ...s.excluded.map((x: any) => x.eventId)]);
    const events = (dataSet.events as any[]).filter((e) => claimed.includes(e.id));
    expect(new Set(events.map((e) => e.source.sourceId)).size).toBe(3);
    expect(events.map((e) => e.data.strength.best).sort()).toEqual([2000, 2500, 3000]);
    expect(troops.total.best).not.toBeNull();
    expect(troops.requests).toHaveLength(1);
    expect(troops.authorizations).toHaveLength(1);
    const early = await get(`/incidents/${KZ}/troop-presence?asOf=2022-01-08`);
    const earlyClaims = early.forces.flatMap((f: any) => f.strength.claims.map((c: any) => c.figure.best));
    expect(earlyClaims.sort()).toEqual([2500, 3000]);
    expect([early.total.low, early.total.high]).toEqual([2500, 3000]);
  });

  it('shows the airport back under government control, and held by protesters before that', async () => {
    const airport = (a: any) => a.facilities.find((f: any) => /airport/i.test(f.facility));
    expect(airport(await get(`/incidents/${KZ}/situation`)).controlledBy).toMatch(/government/i);
    expect(airport(await get(`/incidents/${KZ}/situation?asOf=2022-01-05`)).controlledBy).toMatch(/protesters/i);
    const board = await get(`/incidents/${KZ}/situation`);
    expect(board.measures.find((m: any) => m.measure === 'state_of_emergency').active).toBe(true);
    expect(board.officials.find((o: any) => /Massimov/.test(o.person)).status).toBe('detained');
  });

  it('orders the timeline by occurredAt, then reportedAt, then position, with the withdrawn claim flagged', async () => {
    const { entries } = await get(`/incidents/${KZ}/timeline`);
    expect(entries).toHaveLength(dataSet.events.length);
    const keys = entries.map((e: any) => [e.occurredAt, e.reportedAt, e.position]);
    const sorted = [...keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[2] - b[2]));
    expect(keys).toEqual(sorted);
    expect(entries.find((e: any) => e.eventId === HEALTH_164).retracted).toBe(true);
    const before = await get(`/incidents/${KZ}/timeline?knownAt=2022-01-09T09:00:00%2B06:00`);
    expect(before.entries.find((e: any) => e.eventId === HEALTH_164).retracted).toBe(false);
  });

  it('answers the three filters alone and together, echoes them normalised, and repeats at the position it reports', async () => {
    const all = await get(`/incidents/${KZ}/timeline`);
    const byEvent = await get(`/incidents/${KZ}/timeline?asOf=2022-01-06`);
    expect(byEvent.filters).toEqual({ asOf: '2022-01-06T17:59:59.999Z', knownAt: null, atPosition: null });
    expect(byEvent.entries.every((e: any) => e.occurredAt <= '2022-01-06T17:59:59.999Z')).toBe(true);
    const byKnowledge = await get(`/incidents/${KZ}/timeline?knownAt=2022-01-06T12:00:00Z`);
    expect(byKnowledge.entries.every((e: any) => e.reportedAt <= '2022-01-06T12:00:00.000Z')).toBe(true);
    const firstPosition = Math.min(...all.entries.map((e: any) => e.position));
    const byPosition = await get(`/incidents/${KZ}/timeline?atPosition=${firstPosition + 9}`);
    expect(byPosition.entries).toHaveLength(10);
    expect(byPosition.position).toBe(firstPosition + 9);
    const together = await get(`/incidents/${KZ}/timeline?asOf=2022-01-07&knownAt=2022-01-08&atPosition=${firstPosition + 40}`);
    expect(together.entries.length).toBeGreaterThan(0);
    expect(together.entries.every((e: any) => e.occurredAt <= '2022-01-07T17:59:59.999Z' && e.reportedAt <= '2022-01-08T17:59:59.999Z' && e.position <= firstPosition + 40)).toBe(true);
    expect(together.entries.length).toBeLessThan(Math.min(byEvent.entries.length + 20, all.entries.length));
    for (const name of ['casualties', 'troop-presence', 'situation', 'timeline']) {
      const now = await get(`/incidents/${KZ}/${name}?asOf=2022-01-07`);
      const again = await get(`/incidents/${KZ}/${name}?asOf=2022-01-07&atPosition=${now.position}`);
      expect({ ...again, filters: null }).toEqual({ ...now, filters: null });
    }
  });

  it('keeps a source ledger of the events and figures each source produced', async () => {
    const source = (dataSet.events as any[]).find((e) => e.id === HEALTH_164).source.sourceId;
    const ledgerAnswer = await get(`/sources/${source}/ledger`);
    const ids = ledgerAnswer.events.map((e: any) => e.eventId);
    const expected = (dataSet.events as any[]).filter((e) => e.source.sourceId === source).map((e) => e.id);
    expect(ids.sort()).toEqual(expected.sort());
    expect(ledgerAnswer.events.find((e: any) => e.eventId === HEALTH_164)).toMatchObject({ retracted: true, figure: expect.objectContaining({ best: 164 }) });
    expect((await ledger.call('GET', '/sources/nope/ledger')).status).toBe(404);
  });

  it('refuses bad filters with 400 naming each, and waits for minPosition (503 when it never comes)', async () => {
    const bad = await ledger.call('GET', `/incidents/${KZ}/casualties?asOf=someday&atPosition=-3`);
    expect(bad.status).toBe(400);
    expect(bad.json.details.map((d: any) => d.field)).toEqual(['asOf', 'atPosition']);
    const { incidentId, sourceId } = await freshIncident(ledger);
    const append = (await ledger.call('POST', `/incidents/${incidentId}/events`, killed(sourceId, 4))).json;
    const mine = await get(`/incidents/${incidentId}/casualties?minPosition=${append.position}`);
    expect(mine.position).toBeGreaterThanOrEqual(append.position);
    expect(mine.tallies[0].best).toBe(4);
    const never = await ledger.call('GET', `/incidents/${incidentId}/casualties?minPosition=${append.position + 1000}`);
    expect(never.status).toBe(503);
    expect((await ledger.call('GET', '/incidents/nope/casualties')).status).toBe(404);
  }, 15_000);
});
