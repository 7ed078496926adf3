import { createHash, randomUUID } from 'node:crypto';
import { EventStore } from '../src/core/event-store/event-store';
import { EVENT_STORE } from '../src/core/event-store/event-store.token';
import { freshIncident, killed } from './support/fixtures';
import { RunningLedger, useLedger } from './support/ledger';

// What API.md refuses however it is sent: each request below is answered 4xx with the error body,
// naming the field, and the log (count, positions, hashes, chain links) is the same after it.

const running = useLedger();
let ledger: RunningLedger;
let incidentId: string;
let sourceId: string;
let stored: ReturnType<typeof killed>;

beforeAll(async () => {
  ledger = running();
  ({ incidentId, sourceId } = await freshIncident(ledger));
  stored = killed(sourceId, 12);
  const first = await ledger.call('POST', `/incidents/${incidentId}/events`, stored);
  if (first.status !== 201) throw new Error(first.text);
});

/** The whole log as the store holds it, with each stream's chain re-checked from the stored bytes. */
async function logState(): Promise<string[]> {
  const store = ledger.app.get<EventStore>(EVENT_STORE);
  const all = await store.readAll();
  const last = new Map<string, string>();
  return all.map((e) => {
    const event = JSON.parse(e.json) as { prevHash: string };
    const linked = event.prevHash === (last.get(e.stream) ?? '0'.repeat(64));
    const hashed = createHash('sha256').update(e.json, 'utf8').digest('hex') === e.hash;
    last.set(e.stream, e.hash);
    return `${e.position} ${e.stream}#${e.revision} ${e.hash} linked=${linked} hashed=${hashed}`;
  });
}

interface Hostile {
  name: string;
  method?: 'GET' | 'POST';
  path?: () => string;
  /** A string is sent as it is; a Buffer as bytes; anything else as JSON. */
  body?: () => unknown;
  headers?: Record<string, string>;
  status: number;
  /** The field the answer must name in `details`. */
  field?: string;
}

const events = () => `/incidents/${incidentId}/events`;
const event = (over: Record<string, unknown> = {}) => ({ ...killed(sourceId, 5), ...over });
const withData = (data: Record<string, unknown>) => event({ data: { category: 'killed', group: 'civilians', figure: { best: 5 }, ...data } });
const json = (value: unknown) => JSON.stringify(value);
/** JSON text with a raw key or value spliced in where a JavaScript literal cannot put it. */
const splice = (value: unknown, marker: string, raw: string) => json(value).replace(`"${marker}":"${marker}"`, raw);
const correction = (data: Record<string, unknown>) => event({ type: 'ClaimCorrected', data: { eventId: stored.id, data } });

const CASES: Hostile[] = [
  // Nesting: refused before any library recurses into it.
  { name: 'a value nested 5,000 levels deep in data', body: () => splice(withData({ m: 'm' }), 'm', `"deep":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`), status: 400, field: 'data.deep.a.a.a.a' },
  { name: 'an array nested 100,000 levels deep as the events', body: () => `{"events":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, status: 400, field: 'events.0.0.0.0.0' },
  { name: 'an array as the whole body', body: () => [event()], status: 400, field: '(body)' },
  { name: 'an array as a source registration', path: () => '/sources', body: () => [{ id: 'x', publisher: 'P', title: 'T', publishedAt: '2022-01-07' }], status: 400, field: '(body)' },
  { name: 'nesting one level deeper than the catalogue in a batch', body: () => ({ events: [correction({ strength: { best: { deeper: 1 } } })] }), status: 400, field: 'events.0.data.data.strength.best' },
  // Keys that reach an object's machinery, at every level.
  ...(['__proto__', 'constructor', 'prototype'] as const).flatMap((key): Hostile[] => [
    { name: `"${key}" at the top level`, body: () => splice({ ...event(), m: 'm' }, 'm', `"${key}":{"x":1}`), status: 400, field: key },
    { name: `"${key}" inside data`, body: () => splice(withData({ m: 'm' }), 'm', `"${key}":{"x":1}`), status: 400, field: `data.${key}` },
    { name: `"${key}" inside a figure`, body: () => splice(withData({ figure: { best: 5, m: 'm' } }), 'm', `"${key}":{"best":1}`), status: 400, field: `data.figure.${key}` },
    { name: `"${key}" inside source`, body: () => splice(event({ source: { sourceId, m: 'm' } }), 'm', `"${key}":{"sourceId":"x"}`), status: 400, field: `source.${key}` },
    { name: `"${key}" inside a correction's data`, body: () => splice(correction({ m: 'm' }), 'm', `"${key}":{"group":"civilians"}`), status: 400, field: `data.data.${key}` },
    { name: `"${key}" in a batch`, body: () => splice({ events: [event()], m: 'm' }, 'm', `"${key}":[]`), status: 400, field: key },
    { name: `"${key}" in a source registration`, path: () => '/sources', body: () => splice({ id: `s-${randomUUID()}`, publisher: 'P', title: 'T', publishedAt: '2022-01-07', m: 'm' }, 'm', `"${key}":{"text":"x"}`), status: 400, field: key },
  ]),
  // Unknown fields, at every level.
  { name: 'an unknown batch-level field (dryRun)', body: () => ({ events: [event()], dryRun: true }), status: 400, field: 'dryRun' },
  { name: 'an unknown envelope field', body: () => event({ note: 'x' }), status: 400, field: 'note' },
  { name: 'an unknown payload field', body: () => withData({ severity: 'high' }), status: 400, field: 'data.severity' },
  { name: 'an unknown figure field', body: () => withData({ figure: { best: 5, median: 4 } }), status: 400, field: 'data.figure.median' },
  { name: 'an unknown field in a correction\'s data', body: () => correction({ severity: 'high' }), status: 422, field: 'data.data.severity' },
  { name: 'a blank publisher', path: () => '/sources', body: () => ({ id: `s-${randomUUID()}`, publisher: '  ', title: 'T', publishedAt: '2022-01-07' }), status: 400, field: 'publisher' },
  { name: 'a blank role', body: () => event({ type: 'OfficialStatusChanged', data: { person: 'Karim Massimov', role: ' ', change: 'detained' } }), status: 400, field: 'data.role' },
  { name: 'an empty figure text', body: () => withData({ figure: { best: 5, text: '' } }), status: 400, field: 'data.figure.text' },
  { name: 'an unknown source registration field', path: () => '/sources', body: () => ({ id: `s-${randomUUID()}`, publisher: 'P', title: 'T', publishedAt: '2022-01-07', verified: true }), status: 400, field: 'verified' },
  // An array where an object is expected.
  { name: 'a figure that is an array', body: () => withData({ figure: [{ best: 5 }] }), status: 400, field: 'data.figure' },
  { name: 'a location that is an array', body: () => event({ location: [{ name: 'Almaty' }] }), status: 400, field: 'location' },
  { name: 'a source that is an array', body: () => event({ source: [{ sourceId }] }), status: 400, field: 'source' },
  { name: 'a troop strength that is an array', body: () => event({ type: 'TroopsDeployed', data: { contributor: 'Russia', status: 'deployed', strength: [{ best: 5 }] } }), status: 400, field: 'data.strength' },
  { name: 'data that is an array', body: () => event({ data: [] }), status: 400, field: 'data' },
  { name: 'events that is an object', body: () => ({ events: { 0: event() } }), status: 400, field: 'events' },
  // Date-times that do not exist, or fall outside years 0001-9999.
  { name: 'occurredAt on 30 February', body: () => event({ occurredAt: '2022-02-30T10:00:00Z' }), status: 400, field: 'occurredAt' },
  { name: 'occurredAt at hour 24', body: () => event({ occurredAt: '2022-01-06T24:00:00Z' }), status: 400, field: 'occurredAt' },
  { name: 'occurredAt as the date 30 February', body: () => event({ occurredAt: '2022-02-30' }), status: 400, field: 'occurredAt' },
  { name: 'occurredAt in year 10000', body: () => event({ occurredAt: '10000-01-01T00:00:00Z' }), status: 400, field: 'occurredAt' },
  { name: 'occurredAt in year 0000', body: () => event({ occurredAt: '0000-06-01' }), status: 400, field: 'occurredAt' },
  { name: 'occurredAt on 1 January 0001 read in Asia/Almaty (year 0000 in UTC)', body: () => event({ occurredAt: '0001-01-01' }), status: 400, field: 'occurredAt' },
  { name: 'reportedAt at minute 60', body: () => event({ reportedAt: '2022-01-06T10:60:00Z' }), status: 400, field: 'reportedAt' },
  { name: 'reportedAt with a +25:00 offset', body: () => event({ reportedAt: '2022-01-06T10:00:00+25:00' }), status: 400, field: 'reportedAt' },
  { name: 'a source published on 31 April', path: () => '/sources', body: () => ({ id: `s-${randomUUID()}`, publisher: 'P', title: 'T', publishedAt: '2022-04-31T00:00:00Z' }), status: 400, field: 'publishedAt' },
  { name: 'an incident started in year 0000', path: () => '/incidents', body: () => ({ id: `i-${randomUUID()}`, title: 'T', startedAt: '0000-12-31' }), status: 400, field: 'startedAt' },
  // Numbers that are not safe integers where an integer is expected.
  { name: 'a figure of 1e308', body: () => '{"type":"CasualtiesReported","occurredAt":"2022-01-06","source":{"sourceId":"SRC"},"data":{"category":"killed","group":"civilians","figure":{"best":1e308}}}', status: 400, field: 'data.figure.best' },
  { name: 'a figure of 2^53 + 1', body: () => withData({ figure: { best: 5, high: 'HIGH' } }), status: 400, field: 'data.figure.high' },
  { name: 'a troop strength of 2^53', body: () => event({ type: 'TroopsDeployed', data: { contributor: 'Russia', status: 'deployed', strength: { best: 2 ** 53 } } }), status: 400, field: 'data.strength.best' },
  { name: 'a fractional figure', body: () => withData({ figure: { best: 2.5 } }), status: 400, field: 'data.figure.best' },
  { name: 'an expectedRevision of 1e308', body: () => `{"events":[${json(event())}],"expectedRevision":1e308}`, status: 400, field: 'expectedRevision' },
  { name: 'an If-Match beyond 2^53', body: () => event(), headers: { 'if-match': '"99999999999999999999"' }, status: 400, field: 'If-Match' },
  { name: 'a latitude of 1e308', body: () => event({ location: { name: 'Almaty', lat: 1e308, lon: 0 } }), status: 400, field: 'location.lat' },
  // Strings that are not well-formed Unicode.
  { name: 'a lone high surrogate in a quote', body: () => splice(event({ source: { sourceId, m: 'm' } }), 'm', '"attributedTo":"police \\ud800"'), status: 400, field: 'source.attributedTo' },
  { name: 'a lone low surrogate in a key', body: () => splice(withData({ m: 'm' }), 'm', '"\\udc00":1'), status: 400, field: 'data' },
  { name: 'bytes that are not UTF-8', body: () => Buffer.concat([Buffer.from(json(event()).slice(0, -2)), Buffer.from([0x22, 0x2c, 0x22, 0x78, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])]), status: 400, field: '(body)' },
  { name: 'a source text with a lone surrogate', path: () => '/sources', body: () => splice({ id: `s-${randomUUID()}`, publisher: 'P', title: 'T', publishedAt: '2022-01-07', m: 'm' }, 'm', '"text":"a \\ud83d b"'), status: 400, field: 'text' },
  // Bodies that are not JSON.
  { name: 'a form-encoded body', body: () => 'type=CasualtiesReported&occurredAt=2022-01-06', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, field: 'Content-Type' },
  { name: 'JSON sent as text/plain', body: () => json(event()), headers: { 'content-type': 'text/plain' }, status: 415, field: 'Content-Type' },
  { name: 'a JSON source registration sent as form data', path: () => '/sources', body: () => 'id=x&publisher=P', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, field: 'Content-Type' },
  { name: 'JSON in a charset other than UTF-8', body: () => json(event()), headers: { 'content-type': 'application/json; charset=latin1' }, status: 415 },
  { name: 'JSON declared as UTF-16 (its bytes valid UTF-8)', body: () => json(event()), headers: { 'content-type': 'application/json; charset=utf-16' }, status: 415, field: 'Content-Type' },
  // Query parameters, by the same rules.
  { name: 'an empty after', method: 'GET', path: () => `${events()}?after=`, status: 400, field: 'after' },
  { name: 'an empty limit', method: 'GET', path: () => `${events()}?limit=`, status: 400, field: 'limit' },
  { name: 'after in exponent notation', method: 'GET', path: () => `${events()}?after=1e3`, status: 400, field: 'after' },
  { name: 'after beyond 2^53', method: 'GET', path: () => `${events()}?after=99999999999999999999`, status: 400, field: 'after' },
  { name: 'an unknown parameter of the events', method: 'GET', path: () => `${events()}?offset=3`, status: 400, field: 'offset' },
  { name: 'raw that is neither true nor false', method: 'GET', path: () => `/events/${stored.id}?raw=yes`, status: 400, field: 'raw' },
  { name: 'asOf on 30 February', method: 'GET', path: () => `/incidents/${incidentId}/casualties?asOf=2022-02-30`, status: 400, field: 'asOf' },
  { name: 'asOf in year 10000', method: 'GET', path: () => `/incidents/${incidentId}/casualties?asOf=10000-01-01T00:00:00Z`, status: 400, field: 'asOf' },
  { name: 'knownAt at hour 24', method: 'GET', path: () => `/incidents/${incidentId}/timeline?knownAt=2022-01-06T24:00:00Z`, status: 400, field: 'knownAt' },
  { name: 'an empty asOf', method: 'GET', path: () => `/incidents/${incidentId}/situation?asOf=`, status: 400, field: 'asOf' },
  { name: 'a misspelt clock (asof)', method: 'GET', path: () => `/incidents/${incidentId}/troop-presence?asof=2022-01-06`, status: 400, field: 'asof' },
  { name: 'asOf given twice', method: 'GET', path: () => `/incidents/${incidentId}/casualties?asOf=2022-01-06&asOf=2022-01-07`, status: 400, field: 'asOf' },
  { name: 'an atPosition in exponent notation', method: 'GET', path: () => `/incidents/${incidentId}/casualties?atPosition=1e3`, status: 400, field: 'atPosition' },
  { name: 'a percent-escape that is not UTF-8 in a query', method: 'GET', path: () => `/incidents/${incidentId}/casualties?asOf=%FF`, status: 400, field: '(url)' },
  { name: 'an encoded lone surrogate in a path', method: 'GET', path: () => '/incidents/%ED%A0%80/events', status: 400, field: '(url)' },
];

describe('hostile input: refused with API.md\'s error body, nothing stored', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await logState();
    const body = c.body?.();
    const sent = typeof body === 'string' ? body.replace(/"SRC"/g, json(sourceId)).replace(/"HIGH"/g, '9007199254740993') : body;
    const res = await fetch(ledger.url + (c.path?.() ?? events()), {
      method: c.method ?? 'POST',
      headers: { 'content-type': 'application/json', ...c.headers },
      body: sent === undefined ? undefined : typeof sent === 'string' || Buffer.isBuffer(sent) ? sent : json(sent),
    });
    const answer = await res.json();
    expect({ status: res.status, answer }).toMatchObject({ status: c.status, answer: { statusCode: c.status, error: expect.any(String), message: expect.any(String) } });
    if (c.field !== undefined) expect(answer.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: c.field })]));
    const after = await logState();
    expect(after).toEqual(before);
    expect(after.every((line) => line.endsWith('linked=true hashed=true'))).toBe(true);
  });
});

describe('one canonical form', () => {
  it('spells a time zone one way, so that the same zone in another case is the same registration', async () => {
    const id = `i-${randomUUID()}`;
    const first = await ledger.call('POST', '/incidents', { id, title: 'T', timeZone: 'asia/almaty' });
    expect([first.status, first.json.timeZone]).toEqual([201, 'Asia/Almaty']);
    expect((await ledger.call('POST', '/incidents', { id, title: 'T', timeZone: 'Asia/Almaty' })).status).toBe(200);
  });

  it('answers an id that differs only in letter case as the same id: 200 for the same body, 409 for another', async () => {
    const before = await logState();
    const upper = await ledger.call('POST', events(), { ...stored, id: stored.id.toUpperCase() });
    expect(upper.status).toBe(200);
    expect(upper.json.events[0].id).toBe(stored.id);
    const other = await ledger.call('POST', events(), { ...stored, id: stored.id.toUpperCase(), data: { ...stored.data, figure: { best: 13 } } });
    expect(other.status).toBe(409);
    expect(await logState()).toEqual(before);
    const found = await ledger.call('GET', `/events/${stored.id.toUpperCase()}`);
    expect(found.status).toBe(200);
    expect(found.json.event.id).toBe(stored.id);
  });

  it('refuses an id already stored in another incident, in any letter case, storing nothing', async () => {
    const other = await freshIncident(ledger);
    const before = await logState();
    const res = await ledger.call('POST', `/incidents/${other.incidentId}/events`, { ...killed(other.sourceId, 12), id: stored.id.toUpperCase() });
    expect(res.status).toBe(409);
    expect(res.json.message).toContain('another stream');
    expect(await logState()).toEqual(before);
  });

  it('stores one id once when two incidents are sent it at the same instant, in any letter case', async () => {
    const [a, b] = [await freshIncident(ledger), await freshIncident(ledger)];
    for (let round = 0; round < 20; round++) {
      const id = randomUUID();
      const answers = await Promise.all([
        ledger.call('POST', `/incidents/${a.incidentId}/events`, killed(a.sourceId, 1)),
        ledger.call('POST', `/incidents/${a.incidentId}/events`, { ...killed(a.sourceId, 2), id }),
        ledger.call('POST', `/incidents/${b.incidentId}/events`, { ...killed(b.sourceId, 2), id: id.toUpperCase() }),
      ]);
      expect(answers.map((r) => r.status).slice(1).sort()).toEqual([201, 409]);
    }
  });

  it('finds an id stored in upper case before ids had one form: read, resent and retracted in lower case', async () => {
    const store = ledger.app.get<EventStore>(EVENT_STORE);
    const legacy = { ...killed(sourceId, 7), id: randomUUID().toUpperCase() };
    const { id: _i, type: _t, ...body } = legacy;
    await store.appendToStream(`incident-${incidentId}`, [{
      id: legacy.id, type: legacy.type,
      body: { ...body, incidentId, schemaVersion: 1, occurredAt: '2022-01-05T18:00:00.000Z', occurredAtAsReported: '2022-01-06', occurredPrecision: 'day', reportedAt: '2022-01-07T06:00:00.000Z' },
    }]);
    const lower = legacy.id.toLowerCase();
    expect((await ledger.call('GET', `/events/${lower}`)).json.event.id).toBe(legacy.id);
    const before = await logState();
    const resent = await ledger.call('POST', events(), { ...legacy, id: lower });
    expect(resent.status).toBe(200);
    expect(await logState()).toEqual(before);
    const retraction = await ledger.call('POST', events(), { ...killed(sourceId, 1), type: 'ClaimRetracted', data: { eventId: lower } });
    expect(retraction.status).toBe(201);
    expect((await ledger.call('GET', `/events/${legacy.id}`)).json.retractedBy).toEqual([retraction.json.events[0].id]);
    const timeline = (await ledger.call('GET', `/incidents/${incidentId}/timeline`)).json.entries;
    expect(timeline.find((e: { eventId: string }) => e.eventId === lower)).toMatchObject({ retracted: true });
  });

  it('stores a new id in lower case and lets a retraction name its target in any case', async () => {
    const id = randomUUID().toUpperCase();
    const res = await ledger.call('POST', events(), { events: [{ ...killed(sourceId, 3), id }, { ...killed(sourceId, 3), id: randomUUID(), type: 'ClaimRetracted', data: { eventId: id } }] });
    expect(res.status).toBe(201);
    expect(res.json.events[0].id).toBe(id.toLowerCase());
    const target = await ledger.call('GET', `/events/${id}`);
    expect(target.json.retractedBy).toEqual([res.json.events[1].id]);
  });
});
