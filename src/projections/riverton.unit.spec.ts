// Every expectation of the Riverton example (see riverton.fixture.ts), on the same events.
import { casualties, situation, timeline, troopPresence } from '.';
import { Summary } from './claims';
import { clocks, Clocks, viewOf } from './given';
import { riverton, RIVERTON } from './riverton.fixture';

const casualtiesAt = (c: Clocks = {}) => viewOf(casualties, riverton, clocks(c), RIVERTON);
const troopsAt = (c: Clocks = {}) => viewOf(troopPresence, riverton, clocks(c), RIVERTON);
const situationAt = (c: Clocks = {}) => viewOf(situation, riverton, clocks(c), RIVERTON);
const tally = (c: Clocks, category: string, group: string, scope = 'nationwide') =>
  casualtiesAt(c).tallies.find((t) => t.category === category && t.group === group && t.scope === scope);
const figures = (s?: Pick<Summary, 'low' | 'best' | 'high'>) => s && { low: s.low, best: s.best, high: s.high };
const corvia = (c: Clocks = {}) => troopsAt(c).contributors.find((x) => x.contributor === 'Corvia');
const excluded = (s?: Summary) => (s?.excluded ?? []).map((x) => `${x.eventId}:${x.reason}:${x.by}`).sort();

describe('Riverton, as worked out by hand', () => {
  it('normalises date-only filters to the end of that day in UTC', () => {
    expect(clocks({ asOf: '2023-05-11' }).asOf).toBe('2023-05-11T23:59:59.999Z');
    expect(riverton[0].occurredAt).toBe('2023-05-08T00:00:00.000Z');
  });

  describe('casualties', () => {
    it('injured protesters: the 30 retracted, the 45 superseded, the 50 outdated by the 52', () => {
      const injured = tally({}, 'injured', 'protesters');
      expect(figures(injured)).toEqual({ low: 52, best: 52, high: 52 });
      expect(injured?.bestFrom).toBe('R8');
      expect(injured?.claims.map((c) => c.eventId)).toEqual(['R8']);
      expect(excluded(injured)).toEqual(['R14:outdated:R8', 'R3:retracted:R15', 'R7:superseded:R14']);
    });

    it('killed civilians counted with the corrected figure, named by the original claim', () => {
      const killed = tally({}, 'killed', 'civilians');
      expect(figures(killed)).toEqual({ low: 2, best: 2, high: 2 });
      expect(killed?.bestFrom).toBe('R10');
      expect(killed?.claims[0].correctedBy).toBe('R12');
    });

    it('orders tallies by category, then group', () => {
      expect(casualtiesAt().tallies.map((t) => `${t.category}/${t.group}`)).toEqual(['injured/protesters', 'killed/civilians']);
    });

    it('knownAt 05-11: the 30 is outdated by the 50, and the killed are not known yet', () => {
      expect(figures(tally({ knownAt: '2023-05-11' }, 'injured', 'protesters'))).toEqual({ low: 50, best: 50, high: 50 });
      expect(tally({ knownAt: '2023-05-11' }, 'injured', 'protesters')?.bestFrom).toBe('R14');
      expect(tally({ knownAt: '2023-05-11' }, 'killed', 'civilians')).toBeUndefined();
    });

    it('asOf 05-10: the 30 is retracted as known today, the Red Cross range counts', () => {
      expect(figures(tally({ asOf: '2023-05-10' }, 'injured', 'protesters'))).toEqual({ low: 40, best: 45, high: 60 });
      expect(tally({ asOf: '2023-05-10' }, 'injured', 'protesters')?.bestFrom).toBe('R7');
    });
  });

  describe('troop presence', () => {
    it('Corvia is withdrawing, its 800 outdated by the withdrawal', () => {
      const c = corvia();
      expect(c?.status).toBe('withdrawing');
      expect(figures(c?.strength)).toEqual({ low: 300, best: 300, high: 300 });
      expect(excluded(c?.strength)).toEqual(['R9:outdated:R13']);
      expect(c?.strength.bestFrom).toBe('R13');
      expect(c?.firstArrivedAt).toBe('2023-05-12T00:00:00.000Z');
    });

    it('totals, requests and authorizations', () => {
      const view = troopsAt();
      expect(view.total.best).toBe(300);
      expect(view.requests.map((r) => r.eventId)).toEqual(['R5']);
      expect(view.authorizations.map((a) => a.eventId)).toEqual(['R6']);
    });

    it('knownAt 05-13: Corvia arriving, at least 800', () => {
      const c = corvia({ knownAt: '2023-05-13' });
      expect([c?.status, figures(c?.strength), c?.strength.openEnded]).toEqual(['arriving', { low: 800, best: 800, high: null }, true]);
      expect(troopsAt({ knownAt: '2023-05-13' }).total.best).toBe(800);
    });

    it('asOf 05-11: Corvia authorized, nobody there yet', () => {
      expect(corvia({ asOf: '2023-05-11' })?.status).toBe('authorized');
      expect(troopsAt({ asOf: '2023-05-11' }).total).toMatchObject({ low: null, best: null, high: null, openEnded: false });
    });
  });

  describe('situation', () => {
    it('the curfew lifted, the dam held by protesters, the mayor removed', () => {
      const view = situationAt();
      expect(view.measures.filter((m) => m.measure === 'curfew').map((m) => [m.scope, m.active, m.since, m.eventId])).toEqual([
        ['Riverton', false, '2023-05-14T00:00:00.000Z', 'R16'],
      ]);
      expect(view.facilities.filter((f) => f.facility === 'Riverton Dam').map((f) => [f.controlledBy, f.eventId])).toEqual([['protesters', 'R11']]);
      expect(view.officials.filter((o) => o.person === 'Ilse Varga').map((o) => o.status)).toEqual(['removed']);
    });

    it('knownAt 05-12: the curfew active, the occupation not known yet', () => {
      const view = situationAt({ knownAt: '2023-05-12' });
      expect(view.measures.filter((m) => m.measure === 'curfew').map((m) => [m.active, m.since])).toEqual([[true, '2023-05-09T18:00:00.000Z']]);
      expect(view.facilities.filter((f) => f.facility === 'Riverton Dam')).toHaveLength(0);
    });

    it('asOf 05-12: the dam held by protesters', () => {
      expect(situationAt({ asOf: '2023-05-12' }).facilities.map((f) => f.controlledBy)).toEqual(['protesters']);
    });
  });

  describe('timeline', () => {
    const entries = viewOf(timeline, riverton, clocks(), RIVERTON).entries;
    const flags = (id: string) => entries.filter((e) => e.eventId === id).map((e) => [e.retracted, e.corrected])[0];

    it('lists every event in "latest" order: late reports about earlier days sort earlier', () => {
      expect(entries.map((e) => e.eventId)).toEqual(
        ['R1', 'R3', 'R2', 'R4', 'R7', 'R5', 'R14', 'R11', 'R6', 'R8', 'R9', 'R10', 'R12', 'R13', 'R15', 'R16'],
      );
    });

    it('flags the retracted and the corrected; superseded is neither', () => {
      expect(flags('R3')).toEqual([true, false]);
      expect(flags('R10')).toEqual([false, true]);
      expect(flags('R7')).toEqual([false, false]);
    });

    it('summarises each event in one line', () => {
      expect(entries.find((e) => e.eventId === 'R2')?.summary).toBe('Curfew imposed (Riverton)');
      expect(entries.find((e) => e.eventId === 'R3')?.summary).toBe('Injured protesters: about 30 (hospital staff)');
    });
  });
});
