import { getIssues } from '@placemarkio/check-geojson';
import { parse } from 'csv-parse/sync';
import { randomUUID } from 'node:crypto';
import { removeDir, RunningLedger, startLedger, useLedger } from './support/ledger';

// The exports of API.md ("Reading"): GET /incidents/:id/events.csv and events.geojson. Every expectation
// here is worked out in the test from the events it sends (the figures' bounds written by hand), never
// from the server's own mapping; the CSV is read with a real parser and the GeoJSON with a validator.

const COLUMNS = [
  'event_id', 'type', 'occurred_at', 'occurred_precision', 'reported_at', 'location', 'latitude', 'longitude', 'category', 'group',
  'low', 'best', 'high', 'qualifier', 'source_id', 'publisher', 'attributed_to', 'quote', 'retracted', 'corrected',
];

/** What the test knows of an event it sent: the envelope, and the figure columns as a person reads the figure. */
interface Sent {
  body: Record<string, any>;
  /** low / best / high / qualifier as the export must show them ('' where none), written by hand. */
  figure: { low: string; best: string; high: string; qualifier: string };
  category: string;
  group: string;
  position?: number;
}

const NO_FIGURE = { low: '', best: '', high: '', qualifier: '' };
const day = (d: string) => `2024-03-${d}T00:00:00.000Z`;

const running = useLedger();
let ledger: RunningLedger;
const wire = `wire-${randomUUID().slice(0, 8)}`;
const daily = `daily-${randomUUID().slice(0, 8)}`;
const PUBLISHERS: Record<string, string> = { [wire]: 'Northern Wire, "the Wire"', [daily]: 'Port Velna Daily' };
// A dot in the id: /incidents/<id>/events.csv must still reach the export.
const incidentId = `velna-${randomUUID().slice(0, 8)}.v2`;
const sent: Sent[] = [];
const id = (n: number) => sent[n - 1].body.id as string;

/** E1..E12: every figure-bearing type, each qualifier, open-ended or not, a retraction and a correction. */
const events = (): Sent[] => {
  const e = (
    occurred: string,
    reported: string,
    type: string,
    data: Record<string, unknown>,
    source: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ) => ({ id: randomUUID(), type, occurredAt: `2024-03-${occurred}`, reportedAt: reported, source, data, ...extra });
  const E1 = e('03', '2024-03-04T08:00:00.000Z', 'CasualtiesReported', { category: 'killed', group: 'civilians', figure: { best: 4 } },
    { sourceId: daily, quote: 'Four dead, the hospital said.', attributedTo: 'city hospital' },
    { location: { name: 'Port Velna, harbour', lat: 54.7, lon: 20.5 } });
  const E2 = e('04', '2024-03-05T12:00:00.000Z', 'CasualtiesReported', { category: 'killed', group: 'civilians', figure: { best: 6, qualifier: 'at_least' } },
    { sourceId: wire, quote: 'The ministry said "at least six" had died.', attributedTo: 'Interior Ministry' },
    { location: { name: 'Port Velna' } });
  const E3 = e('04', '2024-03-05T12:00:00.000Z', 'TroopsDeployed', { contributor: 'Norland', status: 'arriving', strength: { best: 500, qualifier: 'approximately' } },
    { sourceId: wire }, { location: { name: 'Velna airfield', lat: 54.68, lon: 20.61, precision: 'exact' } });
  const E4 = e('02', '2024-03-04T08:00:00.000Z', 'ProtestReported', { description: 'March on the port', participants: { best: 2000, qualifier: 'more_than' } },
    { sourceId: daily, quote: 'Crowds gathered at dawn.\nMore than 2,000 marched, chanting "bread, not bullets".' });
  const E5 = e('05', '2024-03-06T08:00:00.000Z', 'CasualtiesReported', { category: 'injured', group: 'protesters', figure: { best: 30, low: 20, high: 40, qualifier: 'approximately' } },
    { sourceId: daily, attributedTo: 'medics, volunteers' }, { occurredAt: '2024-03-05T14:30:00+01:00' });
  const E6 = e('06', '2024-03-07T09:00:00.000Z', 'TroopsWithdrawn', { contributor: 'Norland', completed: false, strength: { best: 300, qualifier: 'up_to' } },
    { sourceId: wire }, { location: { name: 'Velna airfield', lat: 54.68, lon: 20.61 } });
  const E7 = e('05', '2024-03-06T08:00:00.000Z', 'StatementMade', { speaker: 'Mayor', summary: 'Calm, please' },
    { sourceId: daily, quote: '"Stay home," the mayor said;\r\nshops stay shut.' });
  const E8 = e('08', '2024-03-09T18:00:00.000Z', 'ClaimRetracted', { eventId: E2.id, reason: 'double count' }, { sourceId: wire, attributedTo: 'Interior Ministry' });
  const E9 = e('07', '2024-03-08T10:00:00.000Z', 'ClaimCorrected', { eventId: E1.id, figure: { best: 5 } },
    { sourceId: daily, attributedTo: 'city hospital' }, { location: { name: 'Port Velna, harbour', lat: 54.7, lon: 20.5 } });
  const E10 = e('09', '2024-03-09T18:00:00.000Z', 'TroopsWithdrawn', { contributor: 'Norland', completed: true }, { sourceId: wire });
  const E11 = e('06', '2024-03-07T09:00:00.000Z', 'CasualtiesReported', { category: 'arrested', group: 'unspecified', figure: { best: 100, high: 150, qualifier: 'at_least', text: 'over a hundred' } },
    { sourceId: wire }, { occurredPrecision: 'approximate', location: { name: 'Old Town', lat: -0.5, lon: -179.25 } });
  const E12 = e('02', '2024-03-04T08:00:00.000Z', 'MeasureImposed', { measure: 'curfew', scope: 'Port Velna' }, { sourceId: daily });
  return [
    { body: E1, figure: { low: '4', best: '4', high: '4', qualifier: 'exact' }, category: 'killed', group: 'civilians' },
    { body: E2, figure: { low: '6', best: '6', high: '', qualifier: 'at_least' }, category: 'killed', group: 'civilians' },
    { body: E3, figure: { low: '500', best: '500', high: '500', qualifier: 'approximately' }, category: '', group: '' },
    { body: E4, figure: { low: '2000', best: '2000', high: '', qualifier: 'more_than' }, category: '', group: '' },
    { body: E5, figure: { low: '20', best: '30', high: '40', qualifier: 'approximately' }, category: 'injured', group: 'protesters' },
    { body: E6, figure: { low: '', best: '300', high: '300', qualifier: 'up_to' }, category: '', group: '' },
    { body: E7, figure: NO_FIGURE, category: '', group: '' },
    { body: E8, figure: NO_FIGURE, category: '', group: '' },
    // The correction's own row carries its new figure; E1's row keeps the figure E1 carries.
    { body: E9, figure: { low: '5', best: '5', high: '5', qualifier: 'exact' }, category: '', group: '' },
    { body: E10, figure: NO_FIGURE, category: '', group: '' },
    { body: E11, figure: { low: '100', best: '100', high: '150', qualifier: 'at_least' }, category: 'arrested', group: 'unspecified' },
    { body: E12, figure: NO_FIGURE, category: '', group: '' },
  ];
};

/** The instant a sent occurredAt stands for (the incident is in UTC): a date is that day's start. */
const occurredAt = (s: Sent): string => {
  const v = s.body.occurredAt as string;
  return /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00.000Z` : new Date(v).toISOString();
};
const precisionOf = (s: Sent): string => s.body.occurredPrecision ?? (/^\d{4}-\d{2}-\d{2}$/.test(s.body.occurredAt) ? 'day' : 'exact');

interface Clocks {
  asOf?: string;
  knownAt?: string;
  atPosition?: number;
  /** waits; filters nothing */
  minPosition?: number;
}

/** The naive export: filter the sent events by the clocks, sort them, flag them, as EVENTS.md says in words. */
function expectedRows(clocks: Clocks): Record<string, string>[] {
  const known = (s: Sent) =>
    (clocks.knownAt === undefined || s.body.reportedAt <= clocks.knownAt) && (clocks.atPosition === undefined || s.position! <= clocks.atPosition);
  const happened = (s: Sent) => clocks.asOf === undefined || occurredAt(s) <= clocks.asOf;
  const statements = sent.filter((s) => known(s) && (s.body.type === 'ClaimRetracted' || s.body.type === 'ClaimCorrected'));
  const retracted = new Set(statements.filter((s) => s.body.type === 'ClaimRetracted').map((s) => s.body.data.eventId));
  const corrected = new Set(statements.filter((s) => s.body.type === 'ClaimCorrected').map((s) => s.body.data.eventId));
  return sent
    .filter((s) => known(s) && happened(s))
    .sort((a, b) => occurredAt(a).localeCompare(occurredAt(b)) || a.body.reportedAt.localeCompare(b.body.reportedAt) || a.position! - b.position!)
    .map((s) => ({
      event_id: s.body.id,
      type: s.body.type,
      occurred_at: occurredAt(s),
      occurred_precision: precisionOf(s),
      reported_at: s.body.reportedAt,
      location: s.body.location?.name ?? '',
      latitude: s.body.location?.lat === undefined ? '' : String(s.body.location.lat),
      longitude: s.body.location?.lon === undefined ? '' : String(s.body.location.lon),
      category: s.category,
      group: s.group,
      ...s.figure,
      source_id: s.body.source.sourceId,
      publisher: PUBLISHERS[s.body.source.sourceId],
      attributed_to: s.body.source.attributedTo ?? '',
      quote: s.body.source.quote ?? '',
      retracted: String(retracted.has(s.body.id)),
      corrected: String(corrected.has(s.body.id)),
    }));
}

/** The same rows as GeoJSON properties: typed values, null where the CSV is empty. */
const typed = (row: Record<string, string>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (['latitude', 'longitude', 'low', 'best', 'high'].includes(k)) out[k] = v === '' ? null : Number(v);
    else if (k === 'retracted' || k === 'corrected') out[k] = v === 'true';
    else out[k] = v === '' ? null : v;
  }
  return out;
};

const query = (clocks: Clocks): string => {
  const q = new URLSearchParams(Object.entries(clocks).map(([k, v]) => [k, String(v)])).toString();
  return q ? `?${q}` : '';
};

const csvOf = async (clocks: Clocks = {}, incident = incidentId) => {
  const res = await ledger.call('GET', `/incidents/${incident}/events.csv${query(clocks)}`);
  expect(res.status).toBe(200);
  const rows: Record<string, string>[] = parse(res.text, { columns: true, relax_column_count: false });
  const header: string[] = parse(res.text, { to_line: 1 })[0];
  return { res, rows, header };
};

const geojsonOf = async (clocks: Clocks = {}, incident = incidentId) => {
  const res = await ledger.call('GET', `/incidents/${incident}/events.geojson${query(clocks)}`);
  expect(res.status).toBe(200);
  expect(getIssues(res.text)).toEqual([]);
  return { res, doc: res.json as { type: string; features: Array<{ type: string; id: string; geometry: { type: string; coordinates: number[] }; properties: Record<string, unknown> }> } };
};

beforeAll(async () => {
  ledger = running();
  for (const [sourceId, publisher] of Object.entries(PUBLISHERS)) {
    const res = await ledger.call('POST', '/sources', { id: sourceId, publisher, title: 'Velna', publishedAt: '2024-03-04T08:00:00Z' });
    expect(res.status).toBe(201);
  }
  expect((await ledger.call('POST', '/incidents', { id: incidentId, title: 'Port Velna', timeZone: 'UTC' })).status).toBe(201);
  sent.push(...events());
  // Two appends, so that atPosition can stand between them.
  for (const part of [sent.slice(0, 7), sent.slice(7)]) {
    const res = await ledger.call('POST', `/incidents/${incidentId}/events`, { events: part.map((s) => s.body) });
    expect(res.status).toBe(201);
    res.json.events.forEach((answer: { id: string; position: number }, i: number) => (part[i].position = answer.position));
  }
  // Read our own writes.
  await ledger.call('GET', `/incidents/${incidentId}/timeline?minPosition=${sent[sent.length - 1].position}`);
});

describe('GET /incidents/:id/events.csv', () => {
  it('is RFC 4180 CSV: the header row, then every event in timeline order, each column as the event carries it', async () => {
    const { res, rows, header } = await csvOf();
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${incidentId}-events.csv"`);
    expect(Number(res.headers.get('x-log-position'))).toBeGreaterThanOrEqual(sent[sent.length - 1].position!);
    expect(header).toEqual(COLUMNS);
    expect(rows).toEqual(expectedRows({}));
    expect(rows).toHaveLength(12);
    // Records end in CRLF; fields with commas, quotes and line breaks are quoted, quotes doubled.
    expect(res.text.startsWith(`${COLUMNS.join(',')}\r\n`)).toBe(true);
    expect(res.text.endsWith('\r\n')).toBe(true);
    expect(res.text).toContain('"Crowds gathered at dawn.\nMore than 2,000 marched, chanting ""bread, not bullets""."');
    expect(res.text).toContain('"Northern Wire, ""the Wire"""');
    expect(res.text).toContain('"""Stay home,"" the mayor said;\r\nshops stay shut."');
  });

  it('shows figures normalised to low / best / high, high empty when open-ended, and a correction\'s own new figure', async () => {
    const { rows } = await csvOf();
    const row = (n: number) => rows.find((r) => r.event_id === id(n))!;
    expect(row(1)).toMatchObject({ low: '4', best: '4', high: '4', qualifier: 'exact', corrected: 'true', retracted: 'false' });
    expect(row(9)).toMatchObject({ type: 'ClaimCorrected', low: '5', best: '5', high: '5', qualifier: 'exact', category: '', group: '' });
    expect(row(2)).toMatchObject({ low: '6', best: '6', high: '', qualifier: 'at_least', retracted: 'true' });
    expect(row(4)).toMatchObject({ low: '2000', high: '', qualifier: 'more_than' });
    expect(row(6)).toMatchObject({ low: '', best: '300', high: '300', qualifier: 'up_to' });
    expect(row(11)).toMatchObject({ low: '100', best: '100', high: '150', qualifier: 'at_least' });
    expect(row(10)).toMatchObject({ low: '', best: '', high: '', qualifier: '' });
    expect(row(5)).toMatchObject({ occurred_at: '2024-03-05T13:30:00.000Z', occurred_precision: 'exact', attributed_to: 'medics, volunteers' });
  });

  it('honours asOf: events after it drop out, but retractions and corrections known today still flag the rows', async () => {
    const asOf = '2024-03-05T23:59:59.999Z';
    const { rows } = await csvOf({ asOf: '2024-03-05' });
    expect(rows).toEqual(expectedRows({ asOf }));
    expect(rows.map((r) => r.event_id)).not.toContain(id(8));
    expect(rows.map((r) => r.event_id)).not.toContain(id(9));
    expect(rows.find((r) => r.event_id === id(2))).toMatchObject({ retracted: 'true' });
    expect(rows.find((r) => r.event_id === id(1))).toMatchObject({ corrected: 'true' });
  });

  it('honours knownAt: what was public then, flagged as it was known then', async () => {
    const knownAt = '2024-03-05T23:59:59.999Z';
    const { rows } = await csvOf({ knownAt: '2024-03-05' });
    expect(rows).toEqual(expectedRows({ knownAt }));
    expect(rows.map((r) => r.event_id).sort()).toEqual([id(1), id(2), id(3), id(4), id(12)].sort());
    expect(rows.every((r) => r.retracted === 'false' && r.corrected === 'false')).toBe(true);
    // The day the retraction and correction came out (the correction by 10:00, the retraction by 18:00).
    const later = await csvOf({ knownAt: '2024-03-08T12:00:00Z' });
    expect(later.rows).toEqual(expectedRows({ knownAt: '2024-03-08T12:00:00.000Z' }));
    expect(later.rows.find((r) => r.event_id === id(1))).toMatchObject({ corrected: 'true' });
    expect(later.rows.find((r) => r.event_id === id(2))).toMatchObject({ retracted: 'false' });
  });

  it('honours atPosition (and answers the position it reflects) and minPosition', async () => {
    const atPosition = sent[6].position!; // the first append's last event
    const { res, rows } = await csvOf({ atPosition });
    expect(res.headers.get('x-log-position')).toBe(String(atPosition));
    expect(rows).toEqual(expectedRows({ atPosition }));
    expect(rows).toHaveLength(7);
    expect(rows.find((r) => r.event_id === id(2))).toMatchObject({ retracted: 'false' });
    const all = await csvOf({ minPosition: sent[sent.length - 1].position });
    expect(all.rows).toEqual(expectedRows({}));
    const combined = { asOf: '2024-03-06T00:00:00.000Z', knownAt: '2024-03-07T09:00:00.000Z', atPosition: sent[10].position! };
    expect((await csvOf(combined)).rows).toEqual(expectedRows(combined));
  });

  it('lists the same events in the same order, with the same flags, as the timeline', async () => {
    for (const clocks of [{}, { asOf: '2024-03-05' }, { knownAt: '2024-03-08' }] as Clocks[]) {
      const { rows } = await csvOf(clocks);
      const timeline = await ledger.call('GET', `/incidents/${incidentId}/timeline${query(clocks)}`);
      expect(rows.map((r) => [r.event_id, r.retracted === 'true', r.corrected === 'true'])).toEqual(
        timeline.json.entries.map((e: { eventId: string; retracted: boolean; corrected: boolean }) => [e.eventId, e.retracted, e.corrected]),
      );
    }
  });

  it('answers an incident with no events with the header row alone', async () => {
    const empty = `empty-${randomUUID().slice(0, 8)}`;
    await ledger.call('POST', '/incidents', { id: empty, title: 'Quiet' });
    const { res, rows } = await csvOf({}, empty);
    expect(rows).toEqual([]);
    expect(res.text).toBe(`${COLUMNS.join(',')}\r\n`);
    const { doc } = await geojsonOf({}, empty);
    expect(doc).toEqual({ type: 'FeatureCollection', features: [] });
  });
});

describe('GET /incidents/:id/events.geojson', () => {
  const check = async (clocks: Clocks, normalised: Clocks) => {
    const { res, doc } = await geojsonOf(clocks);
    expect(res.headers.get('content-type')).toBe('application/geo+json');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${incidentId}-events.geojson"`);
    expect(doc.type).toBe('FeatureCollection');
    const located = expectedRows(normalised).filter((r) => r.latitude !== '' && r.longitude !== '');
    expect(doc.features).toHaveLength(located.length);
    expect(doc.features).toEqual(
      located.map((r) => ({
        type: 'Feature',
        id: r.event_id,
        geometry: { type: 'Point', coordinates: [Number(r.longitude), Number(r.latitude)] },
        properties: typed(r),
      })),
    );
    for (const f of doc.features) {
      const [lon, lat] = f.geometry.coordinates;
      expect(Math.abs(lon)).toBeLessThanOrEqual(180);
      expect(Math.abs(lat)).toBeLessThanOrEqual(90);
    }
    return doc;
  };

  it('is a valid FeatureCollection of the located events, [lon, lat], the CSV\'s columns as typed properties', async () => {
    const doc = await check({}, {});
    expect(doc.features.map((f) => f.id)).toEqual([id(1), id(3), id(6), id(11), id(9)]);
    const e11 = doc.features.find((f) => f.id === id(11))!;
    expect(e11.geometry.coordinates).toEqual([-179.25, -0.5]);
    expect(e11.properties).toMatchObject({ low: 100, best: 100, high: 150, qualifier: 'at_least', retracted: false, quote: null, attributed_to: null });
    expect(doc.features.find((f) => f.id === id(1))!.properties).toMatchObject({ best: 4, corrected: true, latitude: 54.7, longitude: 20.5 });
    expect(Object.keys(e11.properties)).toEqual(COLUMNS);
  });

  it('takes the same filters', async () => {
    const asOf = await check({ asOf: '2024-03-05' }, { asOf: '2024-03-05T23:59:59.999Z' });
    expect(asOf.features.map((f) => f.id)).toEqual([id(1), id(3)]);
    const knownAt = await check({ knownAt: '2024-03-07T08:00:00Z' }, { knownAt: '2024-03-07T08:00:00.000Z' });
    expect(knownAt.features.find((f) => f.id === id(1))!.properties.corrected).toBe(false);
    await check({ atPosition: sent[6].position! }, { atPosition: sent[6].position! });
  });
});

describe('errors come as JSON before the first byte, and the routes stand apart', () => {
  it.each(['csv', 'geojson'])('events.%s: an unknown incident is 404, a bad clock or an unknown parameter 400', async (ext) => {
    const missing = await ledger.call('GET', `/incidents/no-such-incident/events.${ext}`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/json/);
    expect(missing.json).toMatchObject({ statusCode: 404, error: 'Not Found' });
    expect(missing.headers.get('content-disposition')).toBeNull();
    for (const q of ['asOf=yesterday', 'knownAt=2024-02-30', 'atPosition=-1', 'minPosition=x', 'colour=red']) {
      const bad = await ledger.call('GET', `/incidents/${incidentId}/events.${ext}?${q}`);
      expect({ q, status: bad.status }).toEqual({ q, status: 400 });
      expect(bad.headers.get('content-type')).toMatch(/^application\/json/);
      expect(bad.json).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
  });

  it('GET /incidents/:id/events is still the paged log, and an unknown extension is no export', async () => {
    const page = await ledger.call('GET', `/incidents/${incidentId}/events?limit=3`);
    expect(page.status).toBe(200);
    expect(page.json.events).toHaveLength(3);
    expect((await ledger.call('GET', `/incidents/${incidentId}/events.xml`)).status).toBe(404);
  });
});

describe('a larger incident', () => {
  it('is streamed in chunks, and every event is one row', async () => {
    const big = `big-${randomUUID().slice(0, 8)}`;
    await ledger.call('POST', '/incidents', { id: big, title: 'Big', timeZone: 'UTC' });
    const ids: string[] = [];
    let position = 0;
    for (let batch = 0; batch < 3; batch++) {
      const body = Array.from({ length: 1000 }, (_, i) => {
        const eventId = randomUUID();
        ids.push(eventId);
        return {
          id: eventId, type: 'CasualtiesReported', occurredAt: '2024-03-01', reportedAt: '2024-03-02T00:00:00Z',
          source: { sourceId: daily, quote: `Report ${batch}-${i}, "as heard", with some text to make the row longer than a few bytes.` },
          location: { name: 'Somewhere', lat: (i % 90) - 45, lon: (i % 180) - 90 },
          data: { category: 'injured', group: 'civilians', figure: { best: i } },
        };
      });
      const posted = await ledger.call('POST', `/incidents/${big}/events`, { events: body });
      expect(posted.status).toBe(201);
      position = posted.json.events.at(-1).position;
    }
    // Reads its own writes: the read models follow the log asynchronously.
    const res = await fetch(`${ledger.url}/incidents/${big}/events.csv?minPosition=${position}`);
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(res.headers.get('content-length')).toBeNull();
    const decoder = new TextDecoder();
    let text = '';
    let chunks = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      chunks += 1;
      text += decoder.decode(chunk, { stream: true });
    }
    expect(chunks).toBeGreaterThan(1);
    const rows: Record<string, string>[] = parse(text, { columns: true });
    expect(rows).toHaveLength(3000);
    expect(new Set(rows.map((r) => r.event_id))).toEqual(new Set(ids));
    const geo = await geojsonOf({}, big);
    expect(geo.doc.features).toHaveLength(3000);
    // A client that hangs up after the first chunk leaves the server answering the next one whole.
    const abort = new AbortController();
    const partial = await fetch(`${ledger.url}/incidents/${big}/events.geojson`, { signal: abort.signal });
    const reader = (partial.body as ReadableStream<Uint8Array>).getReader();
    expect((await reader.read()).done).toBe(false);
    abort.abort();
    expect((await csvOf({}, big)).rows).toHaveLength(3000);
  }, 60_000);
});

describe('the Kazakhstan data set', () => {
  let kz: RunningLedger;
  beforeAll(async () => {
    kz = await startLedger({ datasets: 'kazakhstan-2022' });
  }, 60_000);
  afterAll(async () => {
    await kz.stop();
    removeDir(kz.dataDir);
  });

  it('exports 74 rows, each event once, and valid GeoJSON', async () => {
    // The data set is appended at start; the read models follow: wait for the log's last event.
    const log = await kz.call('GET', '/incidents/kz-2022-unrest/events?limit=1000');
    const last = log.json.events[log.json.events.length - 1].position;
    const res = await kz.call('GET', `/incidents/kz-2022-unrest/events.csv?minPosition=${last}`);
    expect(res.status).toBe(200);
    const rows: Record<string, string>[] = parse(res.text, { columns: true });
    expect(rows).toHaveLength(74);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(74);
    expect(new Set(rows.map((r) => r.event_id))).toEqual(new Set(log.json.events.map((e: { id: string }) => e.id)));
    expect(rows.every((r) => Object.keys(r).join(',') === COLUMNS.join(','))).toBe(true);
    const geo = await kz.call('GET', '/incidents/kz-2022-unrest/events.geojson');
    expect(getIssues(geo.text)).toEqual([]);
    const located = rows.filter((r) => r.latitude !== '' && r.longitude !== '');
    expect(geo.json.features.map((f: { id: string }) => f.id)).toEqual(located.map((r) => r.event_id));
  });
});
