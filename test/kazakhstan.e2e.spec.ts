import { readDataSet } from '../src/datasets/data-set';
import { freshIncident, killed } from './support/fixtures';
import { RunningLedger, useLedger } from './support/ledger';

// The Kazakhstan data set as loaded at start (DATASETS=kazakhstan-2022), read through every projection.
// Every expected value below was worked out by hand from the five articles and the rules of EVENTS.md
// (docs/data/kazakhstan-2022.md explains each event); none is computed by the code under test.
const KZ = 'kz-2022-unrest';
const dataSet = readDataSet('kazakhstan-2022');

const E = {
  // casualty claims and the health ministry's retractions
  severalKilledAlmaty: '3cef24d2-5ae2-4951-a838-ac8bffc91630',
  severalPolice: '56d1a323-a2ec-4972-b458-91e2af9e81f6',
  dozensKilledAlmaty: '45cfe2a8-05f8-48e5-bbba-a1089715d910',
  twelveOfficers: '2a72a30e-0e9a-4f7b-96c2-bfcc0da335fb',
  injuredOver1000: '25cabdda-528e-413c-8cdb-44d48a29e3f1',
  hundredsDied: '70d1a704-4658-4cf8-aa01-b73146680d95',
  armedCriminals26: '2bb22643-f8b1-41aa-91cb-a95b92e0b8a9',
  securityOfficials18: 'df9ff257-c2f8-4c48-be30-528270f736c7',
  health164: '00edb6a5-4e11-441f-867b-f3197673bc5f',
  health103Almaty: '8216c50a-a50b-4737-9cb6-5a1f3e96e929',
  retracts164: '440c4a6e-7644-40f4-9474-18a4000618c4',
  retracts103: '4fd858d4-fc0f-43fd-821c-22bb160fb448',
  arrested5800: 'ec7b6159-302b-4bc5-80fc-5133dd01b9b7',
  injuredOver2000: '562a3f51-dd37-4e40-866e-3ba76a0dbc3a',
  moreThanADozen: '7d801edf-f9f3-4d51-b861-92214f9a6878',
  injured1300: 'b9d86b51-fc2d-477a-a8d2-629b20863d13',
  expelled: '4ecbce31-7549-4a9e-a2e8-a577f49f7c1c',
  // troops
  request: '17e4c786-132f-41bf-9b00-71ff53ea1f4e',
  authorization: '9b36ed52-529b-4f4c-af2c-5e9f7ad4f6a3',
  russia3000: 'ad50d5e5-690c-4c5c-b723-168c03fd42f4',
  putin2000: '6fb82b2c-26a4-412e-b138-f68ba2c5fc5d',
  force2500: '2041760c-6944-47d4-a1c8-575fd7cf9ba4',
  // the situation board
  stateOfEmergency: '1783198e-4547-42bd-896e-dcb3cd260d5a',
  militaryUnits: '16508cbc-4525-43d0-b0e4-f894d657886d',
  curfew: '3758e280-01ca-4891-836c-03ad77038b1b',
  internet: 'a3068f99-25cc-4f88-9427-8337fd43bab5',
  antiTerroristOperation: '24de5748-d42c-4d69-bea1-9a3a02c8b799',
  marketHalt: 'd2950cdc-9123-4d90-a5c1-61b979490c0b',
  flights: '6f958ccd-fca3-41c2-8157-9f014756ef8d',
  priceControls: '3d199528-166d-4ca7-ad27-8baad6298d2e',
  airportSeized: '973b770b-25b5-4be0-aa03-2f0aa21eb387',
  airportRetakenInterfax: '457bb142-4614-41bf-9769-a500839ecb32',
  airportRetakenFriday: '2e65095f-41f1-4ab6-8c90-db69b1c190a9',
  mayorsOffice: '13d9746c-b665-4310-90b2-127be7523d8e',
  nazarbayevRemoved: '5291aea2-4165-46b5-a455-e0a72d2f99ee',
  tokayevAppointed: '439135c5-755c-4c5e-a6c2-30ea8a4c5801',
  securityChiefsRemoved: 'c03b3583-53a8-4884-a2fb-365c3f1cefba',
  massimovDetained: 'c16cd5fa-02bb-403f-89f7-415bdeade49b',
  othersDetained: 'be8070ae-9727-4315-b5b7-16ff9f1f2629',
  governmentResigned: '926bd886-0430-4257-951d-4ea923774b5a',
  cabinetFired: '4edff554-88c7-46b4-a30d-6dd2278b8adf',
};

// A date-only occurredAt is the start of that day in Asia/Almaty (UTC+6).
const JAN5 = '2022-01-04T18:00:00.000Z';
const JAN6 = '2022-01-05T18:00:00.000Z';
const JAN7 = '2022-01-06T18:00:00.000Z';
const JAN8 = '2022-01-07T18:00:00.000Z';
const THURSDAY_EVENING = 'knownAt=2022-01-06T12:00:00Z'; // 18:00 in Almaty: the two Bloomberg articles are out
const CSTO_FORCE = 'CSTO peacekeeping force';

let ledger: RunningLedger;
const get = async (path: string) => {
  const res = await ledger.call('GET', path);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.text}`);
  return res.json;
};
const at = (projection: string, query = '') => get(`/incidents/${KZ}/${projection}${query ? `?${query}` : ''}`);

type Bounds = [low: number | null, best: number | null, high: number | null, openEnded: boolean];
type Exclusion = [eventId: string, reason: string, by: string];
const summary = ([low, best, high, openEnded]: Bounds, bestFrom: string | null, claims: string[], excluded: Exclusion[] = []) =>
  ({ low, best, high, openEnded, bestFrom, claims, excluded });
const shapeOfSummary = (s: any) => ({
  low: s.low, best: s.best, high: s.high, openEnded: s.openEnded, bestFrom: s.bestFrom,
  claims: s.claims.map((c: any) => c.eventId),
  excluded: s.excluded.map((x: any) => [x.eventId, x.reason, x.by]),
});
const tally = (category: string, group: string, scope: string, bounds: Bounds, bestFrom: string, claims: string[], excluded: Exclusion[] = []) =>
  ({ category, group, scope, ...summary(bounds, bestFrom, claims, excluded) });
const talliesOf = async (query = '') =>
  (await at('casualties', query)).tallies.map((t: any) => ({ category: t.category, group: t.group, scope: t.scope, ...shapeOfSummary(t) }));

const troopsOf = async (query = '') => {
  const answer = await at('troop-presence', query);
  return {
    requests: answer.requests.map((r: any) => [r.requestedBy, r.requestedFrom, r.at, r.eventId]),
    authorizations: answer.authorizations.map((a: any) => [a.authority, a.contributors, a.at, a.eventId]),
    contributors: answer.contributors.map((c: any) => ({
      contributor: c.contributor, force: c.force, status: c.status, strength: shapeOfSummary(c.strength), firstArrivedAt: c.firstArrivedAt, withdrawnAt: c.withdrawnAt,
    })),
    forces: answer.forces.map((f: any) => ({ force: f.force, status: f.status, strength: shapeOfSummary(f.strength), firstArrivedAt: f.firstArrivedAt, withdrawnAt: f.withdrawnAt })),
    total: answer.total,
  };
};
const REQUEST = ['Kazakhstan', 'CSTO', JAN5, E.request];
const AUTHORIZATION = ['CSTO', [], JAN6, E.authorization];

const boardOf = async (query = '') => {
  const answer = await at('situation', query);
  return {
    measures: answer.measures.map((m: any) => [m.measure, m.scope, m.active, m.since, m.description, m.eventId]),
    facilities: answer.facilities.map((f: any) => [f.facility, f.controlledBy, f.since, f.eventId]),
    officials: answer.officials.map((o: any) => [o.person, o.role, o.status, o.since, o.eventId]),
    government: answer.government.map((g: any) => [g.body, g.change, g.at, g.eventId]),
  };
};
const MARKET_HALT = 'The central bank suspended operations by the nation’s banks and the stock exchange, during “anti-terrorist operations” and to protect the financial sector’s workforce; for now planned only for Thursday (Tass)';
const M = {
  curfew: ['curfew', 'nationwide', true, JAN5, 'Night curfew', E.curfew],
  flights: ['flight_suspension', 'nationwide', true, JAN6, 'Almost all domestic and international flights cancelled; trains lost contact', E.flights],
  internet: ['internet_shutdown', 'nationwide', true, JAN6, 'Internet blackouts continued around the country, following mobile internet disruptions and partial restrictions', E.internet],
  market: ['market_suspension', 'nationwide', true, JAN6, MARKET_HALT, E.marketHalt],
  almatyOperation: ['other', 'Almaty', true, JAN5, 'Anti-terrorist operation under way in Almaty', E.antiTerroristOperation],
  almatyArmy: ['other', 'Almaty', true, JAN5, 'The Kazakh army took decisive measures in Almaty to reclaim control', E.antiTerroristOperation],
  militaryUnits: ['other', 'nationwide', true, JAN5, 'Military units sent to fight what Tokayev called “terrorist bands”', E.militaryUnits],
  priceControls: ['price_control', 'nationwide', true, JAN8, 'Fuel price controls reinstated for six months', E.priceControls],
  emergency: ['state_of_emergency', 'nationwide', true, JAN5, 'Nationwide state of emergency', E.stateOfEmergency],
};
const AIRPORT = 'Almaty International Airport';
const MAYORS_OFFICE = ['Almaty mayor’s office', 'demonstrators', JAN5, E.mayorsOffice];
const O = {
  massimov: ['Karim Massimov', 'former prime minister and security head', 'detained', JAN6, E.massimovDetained],
  tokayev: ['Kassym-Jomart Tokayev', 'head of the Security Council', 'appointed', JAN5, E.tokayevAppointed],
  nazarbayev: ['Nursultan Nazarbayev', 'head of the Security Council', 'removed', JAN5, E.nazarbayevRemoved],
  others: ['Other officials (unnamed)', null, 'detained', JAN6, E.othersDetained],
  securityChiefs: ['Several top security officials (unnamed)', 'Top security officials', 'removed', JAN5, E.securityChiefsRemoved],
};

const running = useLedger({ datasets: 'kazakhstan-2022' });
beforeAll(() => {
  ledger = running();
});

describe('the Kazakhstan data set', () => {
  it('loads at start with no event refused: 74 events from 5 sources', async () => {
    expect(dataSet.events).toHaveLength(74);
    expect(await get(`/incidents/${KZ}`)).toMatchObject({ eventCount: 74, revision: 73, timeZone: 'Asia/Almaty' });
    expect((await get('/sources')).sources).toHaveLength(5);
  });

  it('keeps its conventions: "more than N" is more_than with best N; dates only, as reported; no invented publication time', () => {
    const figures = (dataSet.events as any[]).flatMap((e) => [e.data.figure, e.data.strength, e.data.participants].filter(Boolean));
    const moreThan = figures.filter((f) => f.qualifier === 'more_than').map((f) => [f.best, f.text]);
    expect(moreThan).toEqual([[1000, 'More than 1,000'], [2000, 'more than 2,000'], [2000, 'more than 2,000'], [12, 'More than a dozen']]);
    expect(figures.filter((f) => /more than/i.test(f.text ?? '') && f.qualifier !== 'more_than')).toEqual([]);
    expect((dataSet.events as any[]).filter((e) => !/^\d{4}-\d{2}-\d{2}$/.test(e.occurredAt))).toEqual([]);
    expect((dataSet.events as any[]).filter((e) => e.reportedAt !== undefined)).toEqual([]);
  });

  describe('casualties', () => {
    const now = [
      tally('arrested', 'unspecified', 'nationwide', [5800, 5800, null, true], E.arrested5800, [E.arrested5800]),
      tally('injured', 'unspecified', 'nationwide', [1300, 1300, 1300, true], E.injured1300, [E.injuredOver2000, E.injured1300], [[E.injuredOver1000, 'outdated', E.injured1300]]),
      tally('killed', 'protesters', 'Almaty', [24, 24, null, true], E.dozensKilledAlmaty, [E.dozensKilledAlmaty]),
      tally('killed', 'protesters', 'nationwide', [26, 26, 26, false], E.armedCriminals26, [E.armedCriminals26]),
      tally('killed', 'security_forces', 'nationwide', [12, 18, 18, true], E.securityOfficials18, [E.securityOfficials18, E.moreThanADozen], [
        [E.severalPolice, 'outdated', E.moreThanADozen],
        [E.twelveOfficers, 'outdated', E.moreThanADozen],
      ]),
      tally('killed', 'unspecified', 'Almaty', [3, 3, null, true], E.severalKilledAlmaty, [E.severalKilledAlmaty], [[E.health103Almaty, 'retracted', E.retracts103]]),
      tally('killed', 'unspecified', 'nationwide', [200, 200, null, true], E.hundredsDied, [E.hundredsDied], [[E.health164, 'retracted', E.retracts164]]),
    ];
    // Known by 8 and 9 January, and as of 9 January: the Blinken article is out, the New York Times one is not.
    const ninth = [
      tally('injured', 'unspecified', 'nationwide', [1000, 1000, null, true], E.injuredOver1000, [E.injuredOver1000]),
      tally('killed', 'protesters', 'Almaty', [24, 24, null, true], E.dozensKilledAlmaty, [E.dozensKilledAlmaty]),
      tally('killed', 'protesters', 'nationwide', [26, 26, 26, false], E.armedCriminals26, [E.armedCriminals26]),
      tally('killed', 'security_forces', 'nationwide', [18, 18, 18, false], E.securityOfficials18, [E.securityOfficials18], [
        [E.severalPolice, 'outdated', E.securityOfficials18],
        [E.twelveOfficers, 'outdated', E.securityOfficials18],
      ]),
      tally('killed', 'unspecified', 'Almaty', [3, 3, null, true], E.severalKilledAlmaty, [E.severalKilledAlmaty]),
      tally('killed', 'unspecified', 'nationwide', [200, 200, null, true], E.hundredsDied, [E.hundredsDied]),
    ];

    it('today', async () => {
      expect(await talliesOf()).toEqual(now);
    });

    it('on the event clock: 5, 6 and 9 January', async () => {
      expect(await talliesOf('asOf=2022-01-05')).toEqual([
        tally('killed', 'unspecified', 'Almaty', [3, 3, null, true], E.severalKilledAlmaty, [E.severalKilledAlmaty]),
      ]);
      expect(await talliesOf('asOf=2022-01-06')).toEqual([
        tally('injured', 'unspecified', 'nationwide', [1000, 1000, null, true], E.injuredOver1000, [E.injuredOver1000]),
        tally('killed', 'protesters', 'Almaty', [24, 24, null, true], E.dozensKilledAlmaty, [E.dozensKilledAlmaty]),
        tally('killed', 'security_forces', 'nationwide', [3, 12, 12, true], E.twelveOfficers, [E.severalPolice, E.twelveOfficers]),
        tally('killed', 'unspecified', 'Almaty', [3, 3, null, true], E.severalKilledAlmaty, [E.severalKilledAlmaty]),
      ]);
      expect(await talliesOf('asOf=2022-01-09')).toEqual(ninth);
    });

    it('on the knowledge clock: Thursday evening, 8 and 9 January, and once the last article is out', async () => {
      expect(await talliesOf(THURSDAY_EVENING)).toEqual([
        tally('killed', 'protesters', 'Almaty', [24, 24, null, true], E.dozensKilledAlmaty, [E.dozensKilledAlmaty]),
        tally('killed', 'security_forces', 'nationwide', [3, 3, null, true], E.severalPolice, [E.severalPolice]),
      ]);
      expect(await talliesOf('knownAt=2022-01-08')).toEqual(ninth);
      expect(await talliesOf('knownAt=2022-01-09')).toEqual(ninth);
      expect(await talliesOf('knownAt=2022-01-10T14:59:59Z')).toEqual(ninth);
      expect(await talliesOf('knownAt=2022-01-10T15:00:00Z')).toEqual(now);
    });

    it('shows the health ministry\'s withdrawn 164 and 103 at the log position between the statement and its withdrawal', async () => {
      const { entries } = await at('timeline');
      const positionOf = (id: string) => entries.find((e: any) => e.eventId === id).position;
      // The withdrawal is the next event of the log after the 103 (positions need not be consecutive: KurrentDB's are not).
      const next = entries.map((e: any) => e.position).filter((p: number) => p > positionOf(E.health103Almaty)).sort((a: number, b: number) => a - b)[0];
      expect(positionOf(E.retracts164)).toBe(next);
      const between = await talliesOf(`atPosition=${positionOf(E.health103Almaty)}`);
      expect(between.filter((t: any) => t.category === 'killed' && t.group === 'unspecified')).toEqual([
        tally('killed', 'unspecified', 'Almaty', [103, 103, 103, false], E.health103Almaty, [E.health103Almaty], [[E.severalKilledAlmaty, 'outdated', E.health103Almaty]]),
        tally('killed', 'unspecified', 'nationwide', [164, 164, null, true], E.health164, [E.hundredsDied, E.health164]),
      ]);
    });

    it('carries each figure as the source gave it, with the voice it is credited to', async () => {
      const security = (await at('casualties')).tallies.find((t: any) => t.group === 'security_forces');
      expect(security.claims.map((c: any) => [c.sourceId, c.attributedTo, c.figure])).toEqual([
        ['web-2022-01-08-blinken-questions', 'Interior Ministry', { low: 18, best: 18, high: 18, qualifier: 'exact', text: '18 security officials' }],
        ['nyt-2022-01-10-putin-troops-stay', 'Interior Ministry', { low: 12, best: 12, high: null, qualifier: 'more_than', text: 'More than a dozen' }],
      ]);
      const arrests = (await at('casualties')).tallies.find((t: any) => t.category === 'arrested');
      expect(arrests.claims[0]).toMatchObject({ attributedTo: 'president’s office', quote: expect.stringContaining('At least 5,800 people have been arrested') });
    });
  });

  describe('troop presence', () => {
    it('today: Russia\'s two claims, the whole force\'s one, and the total summed over the force', async () => {
      expect(await troopsOf()).toEqual({
        requests: [REQUEST],
        authorizations: [AUTHORIZATION],
        contributors: [{
          contributor: 'Russia', force: CSTO_FORCE, status: 'deployed',
          strength: summary([2000, 3000, 3000, true], E.russia3000, [E.russia3000, E.putin2000]),
          firstArrivedAt: JAN6, withdrawnAt: null,
        }],
        forces: [{ force: CSTO_FORCE, status: 'arriving', strength: summary([2500, 2500, 2500, false], E.force2500, [E.force2500]), firstArrivedAt: JAN6, withdrawnAt: null }],
        total: { low: 2500, best: 2500, high: 2500, openEnded: false, from: 'forces' },
      });
      const russia = (await at('troop-presence')).contributors[0].strength.claims;
      expect(russia.map((c: any) => [c.sourceId, c.attributedTo, c.figure])).toEqual([
        ['web-2022-01-06-russia-sends-troops', 'local media', { low: 3000, best: 3000, high: 3000, qualifier: 'exact', text: '3,000 troops' }],
        ['nyt-2022-01-10-putin-troops-stay', 'Vladimir Putin', { low: 2000, best: 2000, high: null, qualifier: 'more_than', text: 'more than 2,000' }],
      ]);
    });

    it('on the event clock: nobody yet on 5 January; on 7 January the total is Russia\'s 3,000', async () => {
      expect(await troopsOf('asOf=2022-01-05')).toEqual({
        requests: [REQUEST], authorizations: [], contributors: [], forces: [],
        total: { low: null, best: null, high: null, openEnded: false, from: 'contributors' },
      });
      expect(await troopsOf('asOf=2022-01-07')).toEqual({
        requests: [REQUEST],
        authorizations: [AUTHORIZATION],
        contributors: [{
          contributor: 'Russia', force: CSTO_FORCE, status: 'deployed',
          strength: summary([3000, 3000, 3000, false], E.russia3000, [E.russia3000]), firstArrivedAt: JAN6, withdrawnAt: null,
        }],
        forces: [{ force: CSTO_FORCE, status: 'arriving', strength: summary([null, null, null, false], null, []), firstArrivedAt: JAN6, withdrawnAt: null }],
        total: { low: 3000, best: 3000, high: 3000, openEnded: false, from: 'contributors' },
      });
    });

    it('on the knowledge clock: on Thursday evening the force is arriving and nobody has counted it; by 8 January 2,500', async () => {
      expect(await troopsOf(THURSDAY_EVENING)).toEqual({
        requests: [REQUEST],
        authorizations: [AUTHORIZATION],
        contributors: [],
        forces: [{ force: CSTO_FORCE, status: 'arriving', strength: summary([null, null, null, false], null, []), firstArrivedAt: JAN6, withdrawnAt: null }],
        total: { low: null, best: null, high: null, openEnded: false, from: 'contributors' },
      });
      expect(await troopsOf('knownAt=2022-01-08')).toEqual({
        requests: [REQUEST],
        authorizations: [AUTHORIZATION],
        contributors: [{
          contributor: 'Russia', force: CSTO_FORCE, status: 'deployed',
          strength: summary([3000, 3000, 3000, false], E.russia3000, [E.russia3000]), firstArrivedAt: JAN6, withdrawnAt: null,
        }],
        forces: [{ force: CSTO_FORCE, status: 'arriving', strength: summary([2500, 2500, 2500, false], E.force2500, [E.force2500]), firstArrivedAt: JAN6, withdrawnAt: null }],
        total: { low: 2500, best: 2500, high: 2500, openEnded: false, from: 'forces' },
      });
    });
  });

  describe('situation board', () => {
    const OFFICIALS = [O.massimov, O.tokayev, O.nazarbayev, O.others, O.securityChiefs];
    const GOVERNMENT = [['Government of Kazakhstan', 'resigned', JAN5, E.governmentResigned], ['Government of Kazakhstan', 'dismissed', JAN5, E.cabinetFired]];

    it('today', async () => {
      expect(await boardOf()).toEqual({
        measures: [M.curfew, M.flights, M.internet, M.market, M.almatyArmy, M.militaryUnits, M.priceControls, M.emergency],
        facilities: [[AIRPORT, 'Kazakh police', JAN7, E.airportRetakenFriday], MAYORS_OFFICE],
        officials: OFFICIALS,
        government: GOVERNMENT,
      });
      const airport = (await at('situation')).facilities[0];
      expect(airport.sinceAsReported).toBe('2022-01-07');
    });

    it('on the event clock: the airport held by demonstrators on 5 January, retaken on 6 January', async () => {
      expect(await boardOf('asOf=2022-01-05')).toEqual({
        measures: [M.curfew, M.almatyOperation, M.militaryUnits, M.emergency],
        facilities: [[AIRPORT, 'demonstrators', JAN5, E.airportSeized], MAYORS_OFFICE],
        officials: [O.tokayev, O.nazarbayev, O.securityChiefs],
        government: GOVERNMENT,
      });
      expect(await boardOf('asOf=2022-01-06')).toEqual({
        measures: [M.curfew, M.flights, M.internet, M.market, M.almatyOperation, M.militaryUnits, M.emergency],
        facilities: [[AIRPORT, 'Kazakh authorities', JAN6, E.airportRetakenInterfax], MAYORS_OFFICE],
        officials: OFFICIALS,
        government: GOVERNMENT,
      });
    });

    it('on the knowledge clock: what the two Bloomberg articles had said by Thursday evening', async () => {
      expect(await boardOf(THURSDAY_EVENING)).toEqual({
        measures: [M.internet, M.market, M.almatyOperation, M.militaryUnits, M.emergency],
        facilities: [[AIRPORT, 'Kazakh authorities', JAN6, E.airportRetakenInterfax]],
        officials: [O.tokayev, O.nazarbayev, O.securityChiefs],
        government: [GOVERNMENT[0]],
      });
    });
  });

  describe('timeline', () => {
    it('counts the events that pass each clock', async () => {
      const count = async (query: string) => (await at('timeline', query)).entries.length;
      expect(await count('')).toBe(74);
      expect(await count('asOf=2022-01-05')).toBe(21);
      expect(await count('asOf=2022-01-06')).toBe(49);
      expect(await count('asOf=2022-01-07')).toBe(51);
      expect(await count('asOf=2022-01-09')).toBe(61);
      expect(await count(THURSDAY_EVENING)).toBe(26);
      expect(await count('knownAt=2022-01-08')).toBe(60);
      expect(await count('knownAt=2022-01-09')).toBe(60);
      expect(await count('knownAt=2022-01-10T15:00:00Z')).toBe(74);
    });

    it('orders by occurredAt, then reportedAt, then position, with the withdrawn claims flagged', async () => {
      const { entries } = await at('timeline');
      const keys = entries.map((e: any) => [e.occurredAt, e.reportedAt, e.position]);
      const sorted = [...keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[2] - b[2]));
      expect(keys).toEqual(sorted);
      const flagged = entries.filter((e: any) => e.retracted).map((e: any) => e.eventId);
      expect(flagged).toEqual([E.health164, E.health103Almaty]);
      const between = await at('timeline', `atPosition=${entries.find((e: any) => e.eventId === E.health103Almaty).position}`);
      expect(between.entries.filter((e: any) => e.retracted)).toEqual([]);
      const expelled = entries.find((e: any) => e.eventId === E.expelled);
      expect(expelled).toMatchObject({ type: 'ProtestReported', occurredAtAsReported: '2022-01-06', occurredPrecision: 'approximate', attributedTo: 'Almaty police, via Khabar 24' });
    });
  });

  it('answers the three filters alone and together, echoes them normalised, and repeats at the position it reports', async () => {
    const all = await at('timeline');
    const byEvent = await at('timeline', 'asOf=2022-01-06');
    expect(byEvent.filters).toEqual({ asOf: '2022-01-06T17:59:59.999Z', knownAt: null, atPosition: null });
    expect(byEvent.entries.every((e: any) => e.occurredAt <= '2022-01-06T17:59:59.999Z')).toBe(true);
    const byKnowledge = await at('timeline', 'knownAt=2022-01-06T12:00:00Z');
    expect(byKnowledge.entries.every((e: any) => e.reportedAt <= '2022-01-06T12:00:00.000Z')).toBe(true);
    const positions = all.entries.map((e: any) => e.position).sort((a: number, b: number) => a - b);
    const byPosition = await at('timeline', `atPosition=${positions[9]}`);
    expect(byPosition.entries).toHaveLength(10);
    expect(byPosition.position).toBe(positions[9]);
    // The first 41 events of the file all happened by 6 January and were all published by 8 January.
    const together = await at('timeline', `asOf=2022-01-07&knownAt=2022-01-08&atPosition=${positions[40]}`);
    expect(together.entries).toHaveLength(41);
    for (const name of ['casualties', 'troop-presence', 'situation', 'timeline']) {
      const now = await at(name, 'asOf=2022-01-07');
      const again = await at(name, `asOf=2022-01-07&atPosition=${now.position}`);
      expect({ ...again, filters: null }).toEqual({ ...now, filters: null });
    }
  });

  it('keeps a source ledger of the events and figures each source produced', async () => {
    const source = 'nyt-2022-01-10-putin-troops-stay';
    const ledgerAnswer = await get(`/sources/${source}/ledger`);
    const ids = ledgerAnswer.events.map((e: any) => e.eventId);
    const expected = (dataSet.events as any[]).filter((e) => e.source.sourceId === source).map((e) => e.id);
    expect(expected).toHaveLength(14);
    expect(ids.sort()).toEqual(expected.sort());
    expect(ledgerAnswer.events.find((e: any) => e.eventId === E.health164)).toMatchObject({ retracted: true, figure: expect.objectContaining({ best: 164 }) });
    // With who published it: the source as the data set registers it.
    const registered = (dataSet.sources as any[]).find((s) => s.id === source);
    expect(ledgerAnswer).toMatchObject({ sourceId: source, publisher: registered.publisher, title: registered.title, url: registered.url ?? null });
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
