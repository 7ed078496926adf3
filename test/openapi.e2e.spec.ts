import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { freshIncident, killed } from './support/fixtures';
import { call, Reply, RunningLedger, useLedger } from './support/ledger';

// The OpenAPI document at /docs-json tells the whole truth: what a validating proxy (Prism in proxy mode)
// would check, checked here against real answers. For every answer: its operation is in the document,
// its status is declared for that operation, its body conforms to the declared schema and its media type
// is a declared one, and the headers declared as required are there.

type Schema = { [key: string]: any };
interface ResponseObject {
  description?: string;
  content?: Record<string, { schema?: Schema }>;
  headers?: Record<string, { required?: boolean; schema?: Schema }>;
}
interface Operation {
  responses: Record<string, ResponseObject>;
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

// ---------------------------------------------------------------------------------------------
// A small OpenAPI 3.0 schema check: $ref, allOf / oneOf / anyOf, nullable, enum, type, required,
// properties, additionalProperties, items, pattern and the formats the document uses.

const FORMATS: Record<string, RegExp> = {
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
};

const typeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;

export function conformance(doc: OpenApi, schema: Schema, value: unknown, at = '$'): string[] {
  if (schema.$ref !== undefined) {
    const name = String(schema.$ref).replace('#/components/schemas/', '');
    const target = doc.components.schemas[name];
    return target ? conformance(doc, target, value, at) : [`${at}: $ref ${schema.$ref} is not in components.schemas`];
  }
  if (value === null) return schema.nullable === true ? [] : [`${at}: null, but the schema is not nullable`];
  const errors: string[] = [];
  for (const part of schema.allOf ?? []) errors.push(...conformance(doc, part, value, at));
  if (schema.oneOf) {
    const matching = (schema.oneOf as Schema[]).filter((part) => conformance(doc, part, value, at).length === 0).length;
    if (matching !== 1) errors.push(`${at}: matches ${matching} of the oneOf schemas, not exactly one`);
  }
  if (schema.anyOf && !(schema.anyOf as Schema[]).some((part) => conformance(doc, part, value, at).length === 0)) {
    errors.push(`${at}: matches none of the anyOf schemas`);
  }
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  const actual = typeOf(value);
  if (schema.type !== undefined) {
    const fits = schema.type === actual || (schema.type === 'number' && actual === 'integer');
    if (!fits) return [...errors, `${at}: ${actual}, but the schema says ${schema.type}`];
  }
  if (typeof value === 'string') {
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) errors.push(`${at}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
    const format = FORMATS[schema.format as string];
    if (format && !format.test(value)) errors.push(`${at}: ${JSON.stringify(value)} is not a ${schema.format}`);
  }
  if (Array.isArray(value) && schema.items) value.forEach((item, i) => errors.push(...conformance(doc, schema.items, item, `${at}[${i}]`)));
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    const properties: Record<string, Schema> = schema.properties ?? {};
    for (const name of schema.required ?? []) if (!(name in object)) errors.push(`${at}: the required ${name} is missing`);
    for (const [name, item] of Object.entries(object)) {
      if (properties[name]) errors.push(...conformance(doc, properties[name], item, `${at}.${name}`));
      else if (schema.additionalProperties === false) errors.push(`${at}: ${name} is not a declared property`);
      else if (typeof schema.additionalProperties === 'object') errors.push(...conformance(doc, schema.additionalProperties, item, `${at}.${name}`));
    }
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------
// What a validating proxy does with one answer.

const templateRegex = (template: string): RegExp =>
  new RegExp(`^${template.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[^/]+')}$`);

/** The operation a request reaches: the matching path template with the most literal characters wins. */
export function operationOf(doc: OpenApi, method: string, url: string): { template: string; operation: Operation } | undefined {
  const path = url.split('?')[0];
  const literal = (template: string) => template.replace(/\{[^}]+\}/g, '').length;
  const template = Object.keys(doc.paths)
    .filter((t) => templateRegex(t).test(path) && doc.paths[t][method.toLowerCase()] !== undefined)
    .sort((a, b) => literal(b) - literal(a))[0];
  return template === undefined ? undefined : { template, operation: doc.paths[template][method.toLowerCase()] };
}

/** Everything a validating proxy would find wrong with this answer; empty when the document tells the truth. */
export function violations(doc: OpenApi, method: string, url: string, reply: Reply): string[] {
  const found = operationOf(doc, method, url);
  if (!found) return [`${method} ${url}: no operation in the document`];
  const where = `${method} ${found.template} ${reply.status}`;
  const declared = found.operation.responses[String(reply.status)] ?? found.operation.responses.default;
  if (!declared) return [`${where}: status not declared (declared: ${Object.keys(found.operation.responses).join(', ')})`];
  const errors: string[] = [];
  for (const [name, header] of Object.entries(declared.headers ?? {})) {
    const value = reply.headers.get(name);
    if (value === null) {
      if (header.required) errors.push(`${where}: the required header ${name} is missing`);
    } else if (header.schema) {
      const typed = header.schema.type === 'integer' && /^-?\d+$/.test(value) ? Number(value) : value;
      errors.push(...conformance(doc, header.schema, typed, `header ${name}`).map((e) => `${where}: ${e}`));
    }
  }
  if (reply.text === '') {
    if (declared.content && reply.status !== 304) errors.push(`${where}: no body, but the document declares one`);
    return errors;
  }
  const mediaType = (reply.headers.get('content-type') ?? '').split(';')[0].trim();
  const content = declared.content?.[mediaType];
  if (!content) return [...errors, `${where}: a ${mediaType || 'untyped'} body, but the document declares ${Object.keys(declared.content ?? {}).join(', ') || 'none'}`];
  if (content.schema) {
    if (reply.json === undefined) return [...errors, `${where}: the body is not JSON`];
    errors.push(...conformance(doc, content.schema, reply.json).map((e) => `${where}: ${e}`));
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------

const running = useLedger();
let ledger: RunningLedger;
let doc: OpenApi;
let incidentId: string;
let sourceId: string;
/** Every operation answered, with the statuses it answered. */
const seen = new Map<string, Set<number>>();

beforeAll(async () => {
  ledger = running();
  const res = await ledger.call('GET', '/docs-json');
  expect(res.status).toBe(200);
  doc = res.json;
  ({ incidentId, sourceId } = await freshIncident(ledger));
});

/** A GET as plain HTTP clients send it: fetch adds Cache-Control: no-cache to conditional requests, so never gets a 304. */
const plainGet = (path: string, headers: Record<string, string>): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const req = httpRequest(ledger.url + path, { method: 'GET', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const replyHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') replyHeaders.set(name, value);
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: replyHeaders, text, json });
      });
    });
    req.on('error', reject);
    req.end();
  });

/** Every request of a case goes through the "proxy": its answer is checked against the document. */
interface Proxy {
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  conditional(path: string): Promise<Reply>;
  /** A live stream: its headers and first message, then the client hangs up. */
  stream(path: string): Promise<Reply>;
}

/** The headers and the first message of a Server-Sent Events stream; the text is that message. */
const firstMessage = (path: string): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const req = httpRequest(ledger.url + path, { method: 'GET' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        const end = text.indexOf('\n\n', text.indexOf('event: '));
        if (text.includes('event: ') && end >= 0) {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') headers.set(name, value);
          req.destroy();
          resolve({ status: res.statusCode ?? 0, headers, text: text.slice(0, end + 2), json: undefined });
        }
      });
    });
    req.on('error', reject);
    req.end();
  });

function proxy(problems: string[]): Proxy {
  const check = (method: string, path: string, reply: Reply): Reply => {
    problems.push(...violations(doc, method, path, reply));
    const found = operationOf(doc, method, path);
    if (found) {
      const key = `${method.toUpperCase()} ${found.template}`;
      seen.set(key, (seen.get(key) ?? new Set()).add(reply.status));
    }
    return reply;
  };
  return {
    call: async (method, path, body, headers) => check(method, path, await call(ledger.url, method, path, body, headers)),
    /** GET, then GET again with If-None-Match: the ETag it answered. */
    conditional: async (path) => {
      const first = check('GET', path, await plainGet(path, {}));
      const etag = first.headers.get('etag');
      if (etag === null) throw new Error(`GET ${path} answered no ETag`);
      return check('GET', path, await plainGet(path, { 'if-none-match': etag }));
    },
    stream: async (path) => check('GET', path, await firstMessage(path)),
  };
}

const big = 'x'.repeat(1_100_000); // over the 1 MiB body limit
const newSource = () => ({ id: `src-${randomUUID().slice(0, 8)}`, publisher: 'Wire', title: 'Clashes', publishedAt: '2022-01-07' });
const newIncident = () => ({ id: `inc-${randomUUID().slice(0, 8)}`, title: 'Unrest', timeZone: 'Asia/Almaty' });
const events = () => `/incidents/${incidentId}/events`;
const storedEvent = async (p: Proxy) => {
  const event = killed(sourceId, 12);
  const res = await p.call('POST', events(), event);
  if (res.status !== 201) throw new Error(`setup: ${res.text}`);
  return event;
};
const PROJECTIONS = ['troop-presence', 'casualties', 'situation', 'timeline'];

type Case = [name: string, status: number, send: (p: Proxy) => Promise<Reply>];

const cases: Case[] = [
  // POST /sources
  ['POST /sources, a new source', 201, (p) => p.call('POST', '/sources', newSource())],
  ['POST /sources, the same body again', 200, async (p) => {
    const source = newSource();
    await p.call('POST', '/sources', source);
    return p.call('POST', '/sources', source);
  }],
  ['POST /sources, the same id with another body', 409, async (p) => {
    const source = newSource();
    await p.call('POST', '/sources', source);
    return p.call('POST', '/sources', { ...source, title: 'Other' });
  }],
  ['POST /sources, a body missing a field', 400, (p) => p.call('POST', '/sources', { id: 'src-x', title: 'No publisher', publishedAt: '2022-01-07' })],
  ['POST /sources, malformed JSON', 400, (p) => p.call('POST', '/sources', '{"id": ')],
  ['POST /sources, an unknown field', 400, (p) => p.call('POST', '/sources', { ...newSource(), colour: 'red' })],
  ['POST /sources, over 1 MiB', 413, (p) => p.call('POST', '/sources', { ...newSource(), text: big })],
  ['POST /sources, a body that is not JSON', 415, (p) => p.call('POST', '/sources', 'id=src-x', { 'content-type': 'application/x-www-form-urlencoded' })],

  // POST /incidents
  ['POST /incidents, a new incident', 201, (p) => p.call('POST', '/incidents', newIncident())],
  ['POST /incidents, the same body again', 200, async (p) => {
    const incident = newIncident();
    await p.call('POST', '/incidents', incident);
    return p.call('POST', '/incidents', incident);
  }],
  ['POST /incidents, the same id with another body', 409, async (p) => {
    const incident = newIncident();
    await p.call('POST', '/incidents', incident);
    return p.call('POST', '/incidents', { ...incident, title: 'Other' });
  }],
  ['POST /incidents, an invalid time zone', 400, (p) => p.call('POST', '/incidents', { ...newIncident(), timeZone: 'Mars/Olympus' })],
  ['POST /incidents, malformed JSON', 400, (p) => p.call('POST', '/incidents', '[1,')],
  ['POST /incidents, over 1 MiB', 413, (p) => p.call('POST', '/incidents', { ...newIncident(), title: big })],
  ['POST /incidents, a body that is not JSON', 415, (p) => p.call('POST', '/incidents', 'hello', { 'content-type': 'text/plain' })],

  // POST /incidents/:id/events
  ['POST events, one new event', 201, (p) => p.call('POST', events(), killed(sourceId, 12))],
  ['POST events, the same event again', 200, async (p) => {
    const event = await storedEvent(p);
    return p.call('POST', events(), event, { 'if-match': '"9999"' });
  }],
  ['POST events, a batch mixing stored and new events', 201, async (p) => {
    const event = await storedEvent(p);
    return p.call('POST', events(), { events: [event, killed(sourceId, 13)] });
  }],
  ['POST events, a batch whose events are all stored', 200, async (p) => {
    const event = await storedEvent(p);
    return p.call('POST', events(), { events: [event] });
  }],
  ['POST events, a stored id with another body', 409, async (p) => {
    const event = await storedEvent(p);
    return p.call('POST', events(), { ...event, data: { ...event.data, figure: { best: 99 } } });
  }],
  ['POST events, If-Match not the current revision', 409, (p) => p.call('POST', events(), killed(sourceId, 12), { 'if-match': '"9999"' })],
  ['POST events, an unknown type', 400, (p) => p.call('POST', events(), { ...killed(sourceId, 12), type: 'Rumoured' })],
  ['POST events, a figure whose low exceeds best', 400, (p) => p.call('POST', events(), { events: [killed(sourceId, 12, { data: { category: 'killed', group: 'protesters', figure: { low: 20, best: 12 } } })] })],
  ['POST events, malformed JSON', 400, (p) => p.call('POST', events(), '{"events": [')],
  ['POST events, an unknown incident', 404, (p) => p.call('POST', '/incidents/no-such-incident/events', killed(sourceId, 12))],
  ['POST events, a batch over 1,000', 413, (p) => p.call('POST', events(), { events: Array.from({ length: 1001 }, () => killed(sourceId, 1)) })],
  ['POST events, over 1 MiB', 413, (p) => p.call('POST', events(), { ...killed(sourceId, 12), padding: big })],
  ['POST events, a body that is not JSON', 415, (p) => p.call('POST', events(), 'killed: 12', { 'content-type': 'text/plain' })],
  ['POST events, an unknown source', 422, (p) => p.call('POST', events(), killed('no-such-source', 12))],
  ['POST events, a quote not in the text', 422, (p) => p.call('POST', events(), { ...killed(sourceId, 12), source: { sourceId, quote: 'Nobody said this.' } })],
  ['POST events, a retraction of an event that does not exist', 422, (p) => p.call('POST', events(), { ...killed(sourceId, 1), type: 'ClaimRetracted', data: { eventId: randomUUID() } })],

  // Sources and incidents
  ['GET /sources', 200, (p) => p.call('GET', '/sources')],
  ['GET /sources, If-None-Match', 304, (p) => p.conditional('/sources')],
  ['GET /sources, a URL that is not well-formed UTF-8', 400, (p) => p.call('GET', '/sources?q=%E0%A4%A')],
  ['GET /sources/:id', 200, (p) => p.call('GET', `/sources/${sourceId}`)],
  ['GET /sources/:id, If-None-Match', 304, (p) => p.conditional(`/sources/${sourceId}`)],
  ['GET /sources/:id, unknown', 404, (p) => p.call('GET', '/sources/no-such-source')],
  ['GET /sources/:id, an ill-formed escape', 400, (p) => p.call('GET', '/sources/%E0%A4%A')],
  ['GET /incidents', 200, (p) => p.call('GET', '/incidents')],
  ['GET /incidents, If-None-Match', 304, (p) => p.conditional('/incidents')],
  ['GET /incidents/:id', 200, (p) => p.call('GET', `/incidents/${incidentId}`)],
  ['GET /incidents/:id, If-None-Match', 304, (p) => p.conditional(`/incidents/${incidentId}`)],
  ['GET /incidents/:id, unknown', 404, (p) => p.call('GET', '/incidents/no-such-incident')],

  // The log
  ['GET events of an incident', 200, (p) => p.call('GET', `${events()}?limit=2`)],
  ['GET events of an incident, a type', 200, (p) => p.call('GET', `${events()}?type=CasualtiesReported&after=0`)],
  ['GET events of an incident, If-None-Match', 304, (p) => p.conditional(events())],
  ['GET events of an incident, limit over 1,000', 400, (p) => p.call('GET', `${events()}?limit=5000`)],
  ['GET events of an incident, an unknown parameter', 400, (p) => p.call('GET', `${events()}?colour=red`)],
  ['GET events of an unknown incident', 404, (p) => p.call('GET', '/incidents/no-such-incident/events')],
  ['GET /events/:eventId', 200, async (p) => p.call('GET', `/events/${(await storedEvent(p)).id}`)],
  ['GET /events/:eventId of a retracted event', 200, async (p) => {
    const event = await storedEvent(p);
    await p.call('POST', events(), { ...killed(sourceId, 1), type: 'ClaimRetracted', data: { eventId: event.id } });
    return p.call('GET', `/events/${event.id}`);
  }],
  ['GET /events/:eventId?raw=true', 200, async (p) => {
    const res = await p.call('GET', `/events/${(await storedEvent(p)).id}?raw=true`);
    expect(res.headers.get('x-event-hash')).toMatch(/^[0-9a-f]{64}$/);
    expect(res.headers.get('x-event-position')).toMatch(/^\d+$/);
    return res;
  }],
  ['GET /events/:eventId, If-None-Match', 304, async (p) => p.conditional(`/events/${(await storedEvent(p)).id}`)],
  ['GET /events/:eventId, raw neither true nor false', 400, (p) => p.call('GET', `/events/${randomUUID()}?raw=yes`)],
  ['GET /events/:eventId, unknown', 404, (p) => p.call('GET', `/events/${randomUUID()}`)],

  // Projections
  ...PROJECTIONS.flatMap((name): Case[] => [
    [`GET ${name}`, 200, (p) => p.call('GET', `/incidents/${incidentId}/${name}`)],
    [`GET ${name} on three clocks, caught up`, 200, (p) => p.call('GET', `/incidents/${incidentId}/${name}?asOf=2022-01-07&knownAt=2022-01-08T00:00:00Z&atPosition=3&minPosition=1`)],
    [`GET ${name}, If-None-Match`, 304, (p) => p.conditional(`/incidents/${incidentId}/${name}`)],
    [`GET ${name}, asOf not a date`, 400, (p) => p.call('GET', `/incidents/${incidentId}/${name}?asOf=yesterday`)],
    [`GET ${name}, an unknown incident`, 404, (p) => p.call('GET', `/incidents/no-such-incident/${name}`)],
    [`GET ${name}/live`, 200, async (p) => {
      const reply = await p.stream(`/incidents/${incidentId}/${name}/live`);
      expect(reply.text).toMatch(/^retry: \d+\n\nid: \d+\nevent: snapshot\ndata: \{/);
      return reply;
    }],
    [`GET ${name}/lineage of the whole answer`, 200, (p) => p.call('GET', `/incidents/${incidentId}/${name}/lineage?path=&knownAt=2022-01-08`)],
    [`GET ${name}/lineage, a pointer naming nothing`, 404, (p) => p.call('GET', `/incidents/${incidentId}/${name}/lineage?path=/nothing/here`)],
    [`GET ${name}/lineage, not a pointer`, 400, (p) => p.call('GET', `/incidents/${incidentId}/${name}/lineage?path=nothing`)],
    [`GET ${name}/lineage, minPosition far ahead`, 503, (p) => p.call('GET', `/incidents/${incidentId}/${name}/lineage?path=&minPosition=1000000000`)],
    [`GET ${name}/changes`, 200, (p) => p.call('GET', `/incidents/${incidentId}/${name}/changes?from=2022-01-01&to=2022-01-08&clock=asOf`)],
    [`GET ${name}/changes without to`, 400, (p) => p.call('GET', `/incidents/${incidentId}/${name}/changes?from=2022-01-01`)],
    [`GET ${name}/changes, an unknown incident`, 404, (p) => p.call('GET', `/incidents/no-such-incident/${name}/changes?from=2022-01-01&to=2022-01-02`)],
    [`GET ${name}/live with a clock`, 400, (p) => p.call('GET', `/incidents/${incidentId}/${name}/live?knownAt=2022-01-08`)],
    [`GET ${name}/live, an unknown incident`, 404, (p) => p.call('GET', `/incidents/no-such-incident/${name}/live`)],
  ]),
  ['GET /events/live', 200, (p) => p.stream(`/events/live?incident=${incidentId}&type=CasualtiesReported,ClaimRetracted`)],
  ['GET /events/live, an unknown type', 400, (p) => p.call('GET', '/events/live?type=Killed')],
  ['GET /events/live, an unknown incident', 404, (p) => p.call('GET', '/events/live?incident=no-such-incident')],
  ['GET casualties, minPosition far ahead (waits 5 s)', 503, (p) => p.call('GET', `/incidents/${incidentId}/casualties?minPosition=1000000000`)],
  ['GET the source ledger', 200, (p) => p.call('GET', `/sources/${sourceId}/ledger?knownAt=2022-01-08`)],
  ['GET the source ledger, If-None-Match', 304, (p) => p.conditional(`/sources/${sourceId}/ledger`)],
  ['GET the source ledger, atPosition not a position', 400, (p) => p.call('GET', `/sources/${sourceId}/ledger?atPosition=-1`)],
  ['GET the source ledger, an unknown source', 404, (p) => p.call('GET', '/sources/no-such-source/ledger')],

  // Exports
  ...['csv', 'geojson'].flatMap((ext): Case[] => [
    [`GET events.${ext}`, 200, (p) => p.call('GET', `/incidents/${incidentId}/events.${ext}`)],
    [`GET events.${ext} on three clocks, caught up`, 200, (p) => p.call('GET', `/incidents/${incidentId}/events.${ext}?asOf=2022-01-07&knownAt=2022-01-08T00:00:00Z&atPosition=3&minPosition=1`)],
    [`GET events.${ext}, knownAt not a date`, 400, (p) => p.call('GET', `/incidents/${incidentId}/events.${ext}?knownAt=2022-02-30`)],
    [`GET events.${ext}, an unknown incident`, 404, (p) => p.call('GET', `/incidents/no-such-incident/events.${ext}`)],
    [`GET events.${ext}, minPosition far ahead (waits 5 s)`, 503, (p) => p.call('GET', `/incidents/${incidentId}/events.${ext}?minPosition=1000000000`)],
  ]),

  // Audit: the streams, the chains' check, the signed heads and their key
  ['GET /streams/:stream/events, the sources', 200, (p) => p.call('GET', '/streams/sources/events?limit=2')],
  ['GET /streams/:stream/events, an incident', 200, (p) => p.call('GET', `/streams/incident-${incidentId}/events?after=0&limit=3`)],
  ['GET /streams/:stream/events, If-None-Match', 304, (p) => p.conditional('/streams/incidents/events')],
  ['GET /streams/:stream/events, limit over 1,000', 400, (p) => p.call('GET', '/streams/sources/events?limit=5000')],
  ['GET /streams/:stream/events, an unknown stream', 404, (p) => p.call('GET', '/streams/incident-no-such-incident/events')],
  ['GET /audit/verify', 200, (p) => p.call('GET', '/audit/verify')],
  ['GET /audit/verify, If-None-Match', 304, (p) => p.conditional('/audit/verify')],
  ['GET /audit/verify, a URL that is not well-formed UTF-8', 400, (p) => p.call('GET', '/audit/verify?x=%FF')],
  ['GET /audit/heads', 200, (p) => p.call('GET', '/audit/heads')],
  ['GET /audit/heads, a URL that is not well-formed UTF-8', 400, (p) => p.call('GET', '/audit/heads?x=%FF')],
  ['GET /audit/key', 200, (p) => p.call('GET', '/audit/key')],
  ['GET /audit/key, If-None-Match', 304, (p) => p.conditional('/audit/key')],
  ['GET /audit/key, a URL that is not well-formed UTF-8', 400, (p) => p.call('GET', '/audit/key?x=%FF')],

  // Access (open mode here: no API_KEYS, so no 401/403; test/access.e2e.spec.ts walks those)
  ['POST /auth/stream-token', 200, (p) => p.call('POST', '/auth/stream-token')],
  ['POST /auth/stream-token, a body that is not JSON', 415, (p) => p.call('POST', '/auth/stream-token', 'hello', { 'content-type': 'text/plain' })],
  ['GET casualties/live with a stream token', 200, async (p) => {
    const { token } = (await p.call('POST', '/auth/stream-token')).json;
    return p.stream(`/incidents/${incidentId}/casualties/live?token=${encodeURIComponent(token)}`);
  }],

  // Health
  ['GET /health', 200, (p) => p.call('GET', '/health')],
  ['GET /health, If-None-Match', 304, (p) => p.conditional('/health')],
  ['GET /health/ready', 200, (p) => p.call('GET', '/health/ready')],
  ['GET /metrics', 200, (p) => p.call('GET', '/metrics')],
  ['GET /health/ready, a URL that is not well-formed UTF-8', 400, (p) => p.call('GET', '/health/ready?x=%FF')],
];

describe('the OpenAPI document declares every answer, as a validating proxy checks it', () => {
  it.each(cases)('%s: %i', async (_name, status, send) => {
    const problems: string[] = [];
    const reply = await send(proxy(problems));
    expect({ status: reply.status, body: reply.text.slice(0, 300) }).toMatchObject({ status });
    expect(problems).toEqual([]);
  }, 20_000);

  it('every operation of the document was exercised', () => {
    const operations = Object.entries(doc.paths).flatMap(([template, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${template}`));
    expect(operations.filter((operation) => !seen.has(operation))).toEqual([]);
  });

  it('every declared error answers with the error schema', () => {
    const wrong: string[] = [];
    for (const [template, ops] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(ops)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          const schema = response.content?.['application/json']?.schema;
          if (Number(status) >= 400 && schema?.$ref !== '#/components/schemas/ErrorBody') wrong.push(`${method.toUpperCase()} ${template} ${status}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('the proxy check itself', () => {
  const reply = (status: number, json: unknown): Reply => ({
    status, json, text: JSON.stringify(json), headers: new Headers({ 'content-type': 'application/json; charset=utf-8' }),
  });

  it('finds an undeclared status, an undeclared operation and a body that breaks its schema', () => {
    expect(violations(doc, 'GET', '/sources', reply(418, {}))).toEqual([expect.stringContaining('status not declared')]);
    expect(violations(doc, 'DELETE', '/sources', reply(200, {}))).toEqual([expect.stringContaining('no operation')]);
    expect(violations(doc, 'GET', '/sources/x', reply(404, { statusCode: '404', error: 'Not Found' }))).toEqual([
      expect.stringContaining('$: the required message is missing'),
      expect.stringContaining('$.statusCode: string, but the schema says integer'),
    ]);
    expect(violations(doc, 'GET', `/incidents/x/events`, reply(200, { events: [{ id: 'not-a-uuid' }], next: null })).length).toBeGreaterThan(5);
  });

  it('matches the most literal path template', () => {
    expect(operationOf(doc, 'GET', '/sources/x/ledger?asOf=2022-01-01')?.template).toBe('/sources/{id}/ledger');
    expect(operationOf(doc, 'GET', '/health/ready')?.template).toBe('/health/ready');
  });
});
