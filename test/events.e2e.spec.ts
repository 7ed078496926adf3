import { randomUUID } from 'node:crypto';
import { freshIncident, killed } from './support/fixtures';
import { audited } from './support/jcs';
import { RunningLedger, useLedger } from './support/ledger';

const running = useLedger();
let ledger: RunningLedger;
beforeAll(() => {
  ledger = running();
});

const revisionOf = async (incidentId: string) => (await ledger.call('GET', `/incidents/${incidentId}`)).json.revision;

describe('POST /incidents/:id/events', () => {
  it('stores one event with its server fields and answers 201 with the append', async () => {
    const { incidentId, sourceId } = await freshIncident(ledger);
    const event = killed(sourceId, 12);
    const res = await ledger.call('POST', `/incidents/${incidentId}/events`, event);
    expect(res.status).toBe(201);
    expect(res.json.revision).toBe(0);
    expect(res.json.events).toEqual([
      { id: event.id, revision: 0, position: expect.any(Number), recordedAt: expect.any(String), hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    expect(res.headers.get('etag')).toBe('"0"');
    const stored = (await ledger.call('GET', `/events/${event.id}`)).json;
    expect(stored.event).toMatchObject({
      id: event.id, incidentId, revision: 0, schemaVersion: 1,
      occurredAt: '2022-01-05T18:00:00.000Z', // the start of 6 January in Asia/Almaty
      occurredPrecision: 'day',
      reportedAt: '2022-01-07T06:00:00.000Z', // the source's publication
      prevHash: '0'.repeat(64),
    });
    expect(stored.source.id).toBe(sourceId);
    expect(stored.retractedBy).toEqual([]);
  });

  it('answers the same id and body again with 200 and the first answer, storing nothing, whatever If-Match says', async () => {
    const { incidentId, sourceId } = await freshIncident(ledger);
    const event = killed(sourceId, 12);
    const first = await ledger.call('POST', `/incidents/${incidentId}/events`, event);
    const again = await ledger.call('POST', `/incidents/${incidentId}/events`, event, { 'if-match': '"41"' });
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);
    // Defaults filled in make the same body: reportedAt given as the source's publication time.
    const explicit = await ledger.call('POST', `/incidents/${incidentId}/events`, { ...event, reportedAt: '2022-01-07T06:00:00Z', occurredPrecision: 'day' });
    expect(explicit.status).toBe(200);
    expect(await revisionOf(incidentId)).toBe(0);
  });

  it('refuses the same id with another body with 409, storing nothing', async () => {
    const { incidentId, sourceId } = await freshIncident(ledger);
    const event = killed(sourceId, 12);
    await ledger.call('POST', `/incidents/${incidentId}/events`, event);
    const res = await ledger.call('POST', `/incidents/${incidentId}/events`, { ...event, data: { ...event.data, figure: { best: 13 } } });
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({ statusCode: 409, error: 'Conflict', details: [{ field: 'id' }] });
    expect(await revisionOf(incidentId)).toBe(0);
  });

  it('appends under If-Match only at that revision (409 otherwise), and without it at the current one', async () => {
    const { incidentId, sourceId } = await freshIncident(ledger);
    const url = `/incidents/${incidentId}/events`;
    expect((await ledger.call('POST', url, killed(sourceId, 1), { 'if-match': '"0"' })).status).toBe(409);
    expect((await ledger.call('POST', url, killed(sourceId, 1), { 'if-match': '"-1"' })).status).toBe(201);
    const stale = await ledger.call('POST', url, killed(sourceId, 2), { 'if-match': '"-1"' });
    expect(stale.status).toBe(409);
    expect(stale.json.details).toEqual([{ field: 'If-Match', message: 'the incident is at revision 0' }]);
    expect((await ledger.call('POST', url, killed(sourceId, 2), { 'if-match': '"0"' })).status).toBe(201);
    expect((await ledger.call('POST', url, { events: [killed(sourceId, 3)], expectedRevision: 0 })).status).toBe(409);
    expect((await ledger.call('POST', url, { events: [killed(sourceId, 3)], expectedRevision: 1 })).status).toBe(201);
    expect((await ledger.call('POST', url, killed(sourceId, 4))).json.revision).toBe(3);
    expect((await ledger.call('POST', url, killed(sourceId, 5), { 'if-match': 'three' })).status).toBe(400);
  });

  it('lets concurrent appends without If-Match all land on one unforked chain', async () => {
    const { incidentId, sourceId } = await freshIncident(ledger);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => ledger.call('POST', `/incidents/${incidentId}/events`, killed(sourceId, i))));
    expect(answers.every((a) => a.status === 201)).toBe(true);
    const events = (await ledger.call('GET', `/incidents/${incidentId}/events?limit=1000`)).json.events;
    expect(events.map((e: { revision: number }) => e.revision)).toEqual([...Array(20).keys()]);
    events.forEach((e: { prevHash: string }, i: number) => expect(e.prevHash).toBe(i === 0 ? '0'.repeat(64) : events[i - 1].hash));
  });

  it('stores a batch atomically: one bad event refuses the whole batch', async () => {
    const { incidentId, sourceId } = await freshIncident(ledger);
    const good = killed(sourceId, 1);
    const bad = killed(sourceId, 2, { occurredAt: '2022-02-30' });
    const res = await ledger.call('POST', `/incidents/${incidentId}/events`, { events: [good, bad] });
    expect(res.status).toBe(400);
    expect(res.json.details).toEqual([{ field: 'events.1.occurredAt', message: expect.stringContaining('occurredAt must be') }]);
    expect((await ledger.call('GET', `/events/${good.id}`)).status).toBe(404);
    const rule = await ledger.call('POST', `/incidents/${incidentId}/events`, { events: [good, killed('no-such-source', 2)] });
    expect(rule.status).toBe(422);
    expect(await revisionOf(incidentId)).toBe(-1);
  });

  it('answers a batch that mixes stored and new events: existing ones marked, new ones appended', async () => {
    const { incidentId, sourceId } = await freshIncident(ledger);
    const [a, b, c] = [killed(sourceId, 1), killed(sourceId, 2), killed(sourceId, 3)];
    const first = await ledger.call('POST', `/incidents/${incidentId}/events`, { events: [a, b] });
    expect(first.status).toBe(201);
    const all = await ledger.call('POST', `/incidents/${incidentId}/events`, { events: [a, b] });
    expect(all.status).toBe(200);
    expect(all.json).toEqual(first.json);
    const mixed = await ledger.call('POST', `/incidents/${incidentId}/events`, { events: [a, b, c] });
    expect(mixed.status).toBe(201);
    expect(mixed.json.events.map((e: { existing?: boolean; revision: number }) => [e.existing ?? false, e.revision])).toEqual([[true, 0], [true, 1], [false, 2]]);
    expect(mixed.json.revision).toBe(2);
  });

  it('lets a retraction or correction target an earlier event of the same batch', async () => {
    const { incidentId, sourceId } = await freshIncident(ledger);
    const claim = killed(sourceId, 12);
    const retraction = { ...killed(sourceId, 0), id: randomUUID(), type: 'ClaimRetracted', data: { eventId: claim.id, reason: 'double-counted' } };
    const res = await ledger.call('POST', `/incidents/${incidentId}/events`, { events: [claim, retraction] });
    expect(res.status).toBe(201);
    const detail = (await ledger.call('GET', `/events/${claim.id}`)).json;
    expect(detail.retractedBy).toEqual([retraction.id]);
    const before = await ledger.call('POST', `/incidents/${incidentId}/events`, { events: [{ ...retraction, id: randomUUID(), data: { eventId: randomUUID() } }] });
    expect(before.status).toBe(422);
  });
});

describe('bad input', () => {
  let incidentId: string;
  let sourceId: string;
  const post = (body: unknown) => ledger.call('POST', `/incidents/${incidentId}/events`, body);
  beforeAll(async () => ({ incidentId, sourceId } = await freshIncident(ledger)));
  afterEach(async () => expect(await revisionOf(incidentId)).toBe(-1));

  it('malformed JSON is a 400 naming the body', async () => {
    const res = await post('{"type": "CasualtiesReported", ');
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ statusCode: 400, error: 'Bad Request', details: [{ field: '(body)' }] });
  });

  it('an unknown type is a 400 naming type', async () => {
    const res = await post({ ...killed(sourceId, 1), type: 'TroopsTeleported' });
    expect(res.status).toBe(400);
    expect(res.json.details).toEqual([{ field: 'type', message: expect.stringContaining('type must be one of') }]);
  });

  it.each([
    ['a date that does not exist', { occurredAt: '2022-02-30' }, 'occurredAt'],
    ['a date-time without a zone', { occurredAt: '2022-01-06T10:00:00' }, 'occurredAt'],
    ['a reportedAt that is not a date-time', { reportedAt: 'yesterday' }, 'reportedAt'],
    ['an unknown precision', { occurredPrecision: 'week' }, 'occurredPrecision'],
    ['a latitude out of range', { location: { name: 'X', lat: 91 } }, 'location.lat'],
    ['a missing source', { source: undefined }, 'source'],
    ['an unknown envelope field', { colour: 'red' }, 'colour'],
  ])('%s is a 400 naming the field', async (_, change, field) => {
    const res = await post({ ...killed(sourceId, 1), ...change });
    expect(res.status).toBe(400);
    expect(res.json.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it.each([
    ['low above best', { best: 5, low: 6 }, 'data.figure.low'],
    ['high below best', { best: 5, high: 4 }, 'data.figure.high'],
    ['a negative figure', { best: -1 }, 'data.figure.best'],
    ['a fractional figure', { best: 2.5 }, 'data.figure.best'],
    ['a figure as a string', { best: '12' }, 'data.figure.best'],
    ['an unknown qualifier', { best: 5, qualifier: 'roughly' }, 'data.figure.qualifier'],
  ])('%s is a 400 naming the field', async (_, figure, field) => {
    const res = await post({ ...killed(sourceId, 1), data: { category: 'killed', group: 'security_forces', figure } });
    expect(res.status).toBe(400);
    expect(res.json.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('a payload that breaks its type is a 400 with dotted paths into a batch', async () => {
    const res = await post({ events: [killed(sourceId, 1), { ...killed(sourceId, 1), type: 'TroopsDeployed', data: { status: 'marching' } }] });
    expect(res.status).toBe(400);
    const fields = res.json.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(['events.1.data.contributor', 'events.1.data.force', 'events.1.data.status']);
    expect(res.json.details[0].message).toBe('contributor or force must be given');
  });

  it('an unknown source is a 422 naming source.sourceId', async () => {
    const res = await post(killed('nobody', 1));
    expect(res.status).toBe(422);
    expect(res.json.details).toEqual([{ field: 'source.sourceId', message: 'no source "nobody" is registered' }]);
  });

  it('a quote that is not in the source text is a 422 naming source.quote; folded whitespace and quotes match', async () => {
    const res = await post({ ...killed(sourceId, 1), source: { sourceId, quote: 'Police said 15 officers were killed.' } });
    expect(res.status).toBe(422);
    expect(res.json.details[0].field).toBe('source.quote');
    const folded = { ...killed(sourceId, 1), source: { sourceId, quote: 'More than  1,000 people\nwere injured, health officials said.' } };
    const ok = await ledger.call('POST', `/incidents/${incidentId}/events`, { ...folded, data: { ...folded.data } }, { 'if-match': '"5"' });
    expect(ok.status).toBe(409); // the quote passed; only the revision stopped it
  });

  it('a retraction of a missing event, or of a retraction, is a 422 naming data.eventId', async () => {
    const res = await post({ ...killed(sourceId, 1), type: 'ClaimRetracted', data: { eventId: randomUUID() } });
    expect(res.status).toBe(422);
    expect(res.json.details[0].field).toBe('data.eventId');
    const claim = killed(sourceId, 1);
    const retraction = { ...killed(sourceId, 1), id: randomUUID(), type: 'ClaimRetracted', data: { eventId: claim.id } };
    const twice = { ...retraction, id: randomUUID(), data: { eventId: retraction.id } };
    const res2 = await post({ events: [claim, retraction, twice] });
    expect(res2.status).toBe(422);
    expect(res2.json.details[0].field).toBe('events.2.data.eventId');
  });

  it('a correction whose result is invalid for its target is a 422', async () => {
    const claim = killed(sourceId, 10);
    const correction = { ...killed(sourceId, 1), id: randomUUID(), type: 'ClaimCorrected', data: { eventId: claim.id, data: { category: 'vanished' } } };
    const res = await post({ events: [claim, correction] });
    expect(res.status).toBe(422);
    expect(res.json.details[0].field).toBe('events.1.data.data.category');
  });

  it('a batch over 1,000 events is a 413, and so is a body over 1 MiB', async () => {
    const many = Array.from({ length: 1001 }, () => killed(sourceId, 1));
    expect((await post({ events: many })).status).toBe(413);
    const huge = await post({ ...killed(sourceId, 1), data: { category: 'killed', group: 'civilians', figure: { best: 1, text: 'x'.repeat(1_100_000) } } });
    expect(huge.status).toBe(413);
    expect(huge.json.statusCode).toBe(413);
  });

  it('an unknown incident is a 404', async () => {
    expect((await ledger.call('POST', '/incidents/no-such/events', killed(sourceId, 1))).status).toBe(404);
  });
});

describe('reading events', () => {
  it('pages an incident by revision with next and an ETag, and filters by type', async () => {
    const { incidentId, sourceId } = await freshIncident(ledger);
    const statement = { ...killed(sourceId, 0), type: 'StatementMade', data: { speaker: 'Minister', summary: 'Order restored' } };
    await ledger.call('POST', `/incidents/${incidentId}/events`, { events: [killed(sourceId, 1), statement, killed(sourceId, 2), killed(sourceId, 3)] });
    const page1 = await ledger.call('GET', `/incidents/${incidentId}/events?limit=2`);
    expect(page1.json.events.map((e: { revision: number }) => e.revision)).toEqual([0, 1]);
    expect(page1.json.next).toBe(1);
    expect(page1.headers.get('etag')).toBe('"3"');
    const page2 = await ledger.call('GET', `/incidents/${incidentId}/events?limit=2&after=1`);
    expect(page2.json.events.map((e: { revision: number }) => e.revision)).toEqual([2, 3]);
    expect(page2.json.next).toBeNull();
    const typed = await ledger.call('GET', `/incidents/${incidentId}/events?type=StatementMade`);
    expect(typed.json.events.map((e: { id: string }) => e.id)).toEqual([statement.id]);
    expect((await ledger.call('GET', `/incidents/${incidentId}/events?limit=1001`)).status).toBe(400);
    expect((await ledger.call('GET', `/incidents/${incidentId}/events?type=Nope`)).json.details[0].field).toBe('type');
  });

  it('serves an event as stored, so that anyone can recompute its hash', async () => {
    const { incidentId, sourceId } = await freshIncident(ledger);
    const event = killed(sourceId, 7);
    await ledger.call('POST', `/incidents/${incidentId}/events`, event);
    const raw = audited(await ledger.call('GET', `/events/${event.id}?raw=true`));
    expect(raw).toMatchObject({ canonical: true, hashed: true, hasStoreFields: false });
    expect(raw.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(raw.position).toBeGreaterThan(0);
    expect(raw.event).toMatchObject({ id: event.id, revision: 0, prevHash: '0'.repeat(64), data: event.data });
    expect((await ledger.call('GET', `/events/${randomUUID()}`)).status).toBe(404);
  });

  it('lists incidents and sources with their counts and revisions', async () => {
    const { incidentId, sourceId } = await freshIncident(ledger);
    await ledger.call('POST', `/incidents/${incidentId}/events`, { events: [killed(sourceId, 1), killed(sourceId, 2)] });
    const incidents = (await ledger.call('GET', '/incidents')).json.incidents;
    expect(incidents.find((i: { id: string }) => i.id === incidentId)).toMatchObject({ eventCount: 2, revision: 1, timeZone: 'Asia/Almaty' });
    expect((await ledger.call('GET', `/sources/${sourceId}`)).json.publisher).toBe('Wire');
    expect((await ledger.call('GET', '/sources')).json.sources.some((s: { id: string }) => s.id === sourceId)).toBe(true);
    expect((await ledger.call('GET', '/sources/none')).status).toBe(404);
    expect((await ledger.call('GET', '/incidents/none')).status).toBe(404);
  });
});

describe('registering sources and incidents', () => {
  it('answers 201, then 200 for the same body, then 409 for another body under the same id', async () => {
    const id = `src-${randomUUID().slice(0, 8)}`;
    const body = { id, publisher: 'Agency', title: 'T', publishedAt: '2022-01-06' };
    expect((await ledger.call('POST', '/sources', body)).status).toBe(201);
    const again = await ledger.call('POST', '/sources', body);
    expect(again.status).toBe(200);
    expect(again.json.publishedAt).toBe('2022-01-06T00:00:00.000Z');
    expect((await ledger.call('POST', '/sources', { ...body, title: 'Other' })).status).toBe(409);
    const incident = { id: `inc-${randomUUID().slice(0, 8)}`, title: 'X' };
    expect((await ledger.call('POST', '/incidents', incident)).status).toBe(201);
    expect((await ledger.call('POST', '/incidents', incident)).status).toBe(200);
    expect((await ledger.call('POST', '/incidents', { ...incident, timeZone: 'Asia/Almaty' })).status).toBe(409);
  });

  it('refuses invalid registrations with 400 naming each field', async () => {
    const res = await ledger.call('POST', '/sources', { id: 'bad id!', publisher: '', publishedAt: 'soon', url: 'not a url', extra: 1 });
    expect(res.status).toBe(400);
    const fields = res.json.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['id', 'publisher', 'title', 'publishedAt', 'url', 'extra']));
    const inc = await ledger.call('POST', '/incidents', { id: 'x', title: 'X', timeZone: 'Mars/Olympus' });
    expect(inc.json.details).toEqual([{ field: 'timeZone', message: expect.stringContaining('IANA') }]);
  });
});

describe('the HTTP edge', () => {
  it('serves health and an OpenAPI document generated from the validating classes', async () => {
    expect((await ledger.call('GET', '/health')).json.status).toBe('ok');
    expect((await ledger.call('GET', '/health/ready')).json.status).toBe('ok');
    const doc = (await ledger.call('GET', '/docs-json')).json;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/sources', '/incidents/{id}/events', '/incidents/{id}/casualties', '/events/{eventId}']));
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['EventEnvelopeBody', 'CasualtiesReported', 'ClaimCorrected', 'RegisterSource']));
    expect((await ledger.call('GET', '/docs')).status).toBe(200);
  });
});
