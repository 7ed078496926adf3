import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { removeDir, RunningLedger, startLedger } from './support/ledger';

// The fuzz: random and malformed bodies, headers and query strings thrown at every route of the
// OpenAPI document (GET /docs-json) on a real server with API keys configured, mostly with an admin key
// (so the guard lets the request reach the handler), some runs with bad keys. Every answer must be a
// 4xx with API.md's error body ({ statusCode, error, message, details? }), or, for a read that happens
// to be well-formed, a 2xx/304; never a 5xx, never a write. After the run the server still answers and
// the log is exactly as before: event count, head position, every stream's head, and /audit/verify ok.
//
// Bounded: FUZZ_RUNS runs per route (default 60) and a few hundred more across routes, with one seed
// (FUZZ_SEED, else time-based) printed on failure, so a failure can be replayed with FUZZ_SEED=<seed>.

jest.setTimeout(120_000);

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 60);
const ADMIN = `fuzz-admin-${randomUUID()}`;
const READER = `fuzz-reader-${randomUUID()}`;
const REPORTER = `fuzz-reporter-${randomUUID()}`;

interface Operation {
  method: string;
  template: string;
  role: string;
}

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

let ledger: RunningLedger;
let operations: Operation[] = [];
let before: string;
const ids = { incident: '', source: '', event: '', emptyIncident: '' };

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** One request over node:http (any header value Node lets through, bodies as bytes); a live stream is let go once its status is in. */
function send(sent: Sent): Promise<Answer> {
  const { hostname, port } = new URL(ledger.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method: sent.method, path: sent.path, headers: sent.headers, agent: false, timeout: 15_000 }, (res) => {
      const contentType = String(res.headers['content-type'] ?? '');
      if (contentType.startsWith('text/event-stream')) {
        res.destroy();
        return resolve({ status: res.statusCode ?? 0, contentType, text: '' });
      }
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer in 15 s')));
    req.on('error', reject);
    req.end(sent.body);
  });
}

/** The log as an outsider can check it: the count of events, the head position, every stream's head, and verify. */
async function logState(): Promise<string> {
  const heads = await send({ method: 'GET', path: '/audit/heads', headers: bearer(ADMIN) });
  const verify = await send({ method: 'GET', path: '/audit/verify', headers: bearer(ADMIN) });
  expect([heads.status, verify.status]).toEqual([200, 200]);
  const { streams, position } = JSON.parse(heads.text);
  const { ok, checked, broken } = JSON.parse(verify.text);
  expect(ok).toBe(true);
  return JSON.stringify({ checked, position, streams, broken });
}

/** What is wrong with an answer, or null. */
function wrong(op: Operation, sent: Sent, answer: Answer): string | null {
  const { status } = answer;
  if (status >= 500) return `a ${status}`;
  if (status >= 400) {
    if (!answer.contentType.startsWith('application/json')) return `a ${status} as ${answer.contentType || 'no content type'}, not JSON`;
    let body: any;
    try {
      body = JSON.parse(answer.text);
    } catch {
      return `a ${status} whose body is not JSON`;
    }
    const keys = Object.keys(body ?? {});
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return `a ${status} whose body is not an object`;
    if (body.statusCode !== status) return `statusCode ${body.statusCode} in a ${status}`;
    if (typeof body.error !== 'string' || body.error === '') return `no error reason in a ${status}`;
    if (typeof body.message !== 'string' || body.message === '') return `no message in a ${status}`;
    if (keys.some((k) => !['statusCode', 'error', 'message', 'details'].includes(k))) return `unexpected keys ${keys.join(',')} in a ${status}`;
    if (body.details !== undefined && !(Array.isArray(body.details) && body.details.every((d: any) => typeof d?.field === 'string' && typeof d?.message === 'string' && Object.keys(d).length === 2))) {
      return `details not a list of { field, message } in a ${status}`;
    }
    return null;
  }
  // 2xx/3xx: only a read, or the stream token (which stores nothing), may succeed; no write ever does.
  const writes = sent.method === 'POST' && op.template !== '/auth/stream-token';
  if (writes) return `a ${status} to a write that must be refused`;
  if (![200, 204, 304].includes(status)) return `a ${status}`;
  return null;
}

// ------------------------------------------------------------------------------------------------
// Arbitraries

const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'];
const FIELDS = [
  'id', 'type', 'occurredAt', 'reportedAt', 'source', 'sourceId', 'quote', 'attributedTo', 'data', 'category', 'group', 'figure', 'best', 'low', 'high',
  'qualifier', 'text', 'location', 'name', 'lat', 'lon', 'events', 'expectedRevision', 'eventId', 'publisher', 'title', 'publishedAt', 'url', 'language',
  'region', 'startedAt', 'timeZone', 'contributor', 'status', 'strength', 'person', 'role', 'change', 'reason',
];
const QUERY_NAMES = ['asOf', 'knownAt', 'atPosition', 'minPosition', 'after', 'limit', 'type', 'raw', 'path', 'proof', 'from', 'to', 'clock', 'incident', 'token', 'lastEventId'];

const unicodeEdges = fc.constantFrom(
  '\ud800', '\udfff', 'a\ud83d', '\u0000', '\ufeff', '\u202e', '\uffff', '\ufffe', 'e\u0301', '\u00e9', '\u{1F4F0}', 'İ', 'ß', '\u2028', '\u200b', '\r\n', '\\', '"', '%', '%00', '..', '../..',
);
const weirdString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  unicodeEdges,
  fc.tuple(fc.string(), unicodeEdges, fc.string()).map(([a, b, c]) => a + b + c),
  fc.integer({ min: 1, max: 20_000 }).map((n) => 'x'.repeat(n)),
);
const dateish = fc.oneof(
  fc.constantFrom('2022-02-30', '2022-01-06T24:00:00Z', '0000-12-31', '10000-01-01T00:00:00Z', '2022-01-06T10:60:00Z', '2022-13-01', '2022-01-06T10:00:00+25:00', '2022-01-06T10:00:00.123456789Z', '', ' ', '2022-01-06', '2022-01-06T10:00:00Z', 'now', 'null', '1641463200', '-1', '2022-W01', '+002022-01-06'),
  fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString())),
);
const numberish = fc.oneof(
  fc.constantFrom('1e3', '-1', '-0', '0', '1.5', '9007199254740993', '99999999999999999999', 'NaN', 'Infinity', '0x10', '1_000', ' 1', '1 ', '', '00', '+1', '1e309', '١٢'),
  fc.integer().map(String),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String),
);
const queryValue = fc.oneof(weirdString, dateish, numberish, fc.constantFrom('true', 'false', 'yes', '/', '/0', '/totals/killed', 'knownAt', 'asOf', 'CasualtiesReported', 'CasualtiesReported,', ','));

/** Percent-encodes the UTF-8 of a text (lone surrogates as U+FFFD, as a browser would). */
const encode = (text: string): string =>
  [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

/** Escapes that are not well-formed UTF-8 (or not escapes at all), sent as they are. */
const rawEscape = fc.constantFrom('%FF', '%C0%AF', '%ED%A0%80', '%E0%A4', '%', '%G1', '%%', '%2', '%F4%90%80%80', '%EF%BF%BE', '%u0041');

const queryPair = fc.tuple(
  fc.oneof(fc.constantFrom(...QUERY_NAMES), fc.constantFrom(...QUERY_NAMES).map((n) => `${n}[]`), fc.constantFrom(...QUERY_NAMES).map((n) => `${n}[a]`), fc.string({ maxLength: 12 }), fc.constantFrom(...FORBIDDEN_KEYS, '__proto__[x]', 'constructor[prototype][x]')),
  queryValue,
  fc.boolean(),
).map(([name, value, raw]) => `${encode(name).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${raw ? value.replace(/[^\x21-\x7e]/g, (c) => encode(c)).replace(/[#&]/g, (c) => encode(c)) : encode(value)}`);

const queryString = fc.oneof(
  fc.constant(''),
  fc.array(queryPair, { minLength: 1, maxLength: 6 }).map((pairs) => `?${pairs.join('&')}`),
  // The same parameter given twice (or more).
  fc.tuple(fc.constantFrom(...QUERY_NAMES), fc.array(queryValue, { minLength: 2, maxLength: 4 })).map(([name, values]) => `?${values.map((v) => `${name}=${encode(v)}`).join('&')}`),
  fc.tuple(fc.constantFrom(...QUERY_NAMES), rawEscape).map(([name, escape]) => `?${name}=${escape}`),
  fc.constantFrom('?', '?&', '?=', '?==', '?&&&=x', '?asOf', '?limit=1&limit=2', `?${'a=1&'.repeat(2000)}`, '?asOf=2022-01-06&knownAt=2022-01-06&atPosition=1', '?after=&limit=', '?type=&type='),
);

/** A path parameter: an existing id, or garbage. */
const pathValue = (existing: () => string[]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(0, 1, 2, 3).map((i) => existing()[i % existing().length]) },
    fc.constantFrom(0, 1).map((i) => existing()[i % existing().length].toUpperCase()),
    weirdString.filter((s) => s.length > 0).map(encode),
    rawEscape,
    fc.constantFrom('incidents', 'sources', 'incident-', `incident-${'x'.repeat(300)}`, '%2E%2E', '%2F', 'null', 'undefined', '0', '-1', '__proto__', 'constructor', '%20'),
  );

/** JSON that no library hands you: nesting, numbers and keys spliced in as text. */
const jsonText = (value: unknown) => JSON.stringify(value);

const anyJson = fc.jsonValue({ maxDepth: 4 });
const objectWithFields = fc.dictionary(fc.constantFrom(...FIELDS), fc.oneof(anyJson, weirdString, fc.constant(null)), { maxKeys: 8 });

/** Valid bodies for the three writes, with one change that breaks them for sure. */
const validBodies = () => ({
  source: { id: `s-${randomUUID()}`, publisher: 'Wire', title: 'T', publishedAt: '2022-01-07T06:00:00Z', text: 'Police said 12 officers were killed.' },
  incident: { id: `i-${randomUUID()}`, title: 'Unrest', timeZone: 'UTC' },
  event: {
    id: randomUUID(),
    type: 'CasualtiesReported',
    occurredAt: '2022-01-06',
    source: { sourceId: ids.source, quote: 'Police said 12 officers were killed on Thursday.' },
    data: { category: 'killed', group: 'security_forces', figure: { best: 12 } },
  },
});

type Breaker = (body: Record<string, any>) => string;
const setAt = (body: Record<string, any>, path: string[], value: unknown): Record<string, any> => {
  const copy = JSON.parse(JSON.stringify(body));
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] = typeof at[key] === 'object' && at[key] !== null ? at[key] : {};
  at[path[path.length - 1]] = value;
  return copy;
};
/** Paths into a body, and breakers that are refused wherever they apply. */
const breakers: fc.Arbitrary<Breaker> = fc.oneof(
  // A forbidden key spliced in at some level.
  fc.tuple(fc.constantFrom(...FORBIDDEN_KEYS), fc.constantFrom([], ['data'], ['source'], ['data', 'figure'])).map(([key, at]) => (b) =>
    jsonText(setAt(b, [...at, 'm'], 'm')).replace('"m":"m"', `"${key}":{"polluted":true}`)),
  // An unknown field.
  fc.tuple(fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !FIELDS.includes(k)), anyJson, fc.constantFrom([], ['data'], ['source'])).map(([key, value, at]) => (b) =>
    jsonText(setAt(b, [...at, `zz${key}`], value))),
  // A required field of the wrong type.
  fc.tuple(fc.constantFrom('id', 'type', 'title', 'publisher', 'occurredAt', 'source', 'data', 'publishedAt'), fc.oneof(fc.integer(), fc.boolean(), fc.array(anyJson, { maxLength: 2 }), fc.constant(null), fc.constant({}))).map(([key, value]) => (b) =>
    key in b ? jsonText({ ...b, [key]: value }) : jsonText({ ...b, id: value })),
  // A required field missing.
  fc.constantFrom('id', 'type', 'title', 'publisher', 'occurredAt', 'source', 'data', 'publishedAt').map((key) => (b) => {
    const copy = { ...b };
    delete copy[key];
    if (!(key in b)) delete copy.id;
    return jsonText(copy);
  }),
  // A huge number where an integer (or anything) is.
  fc.constantFrom('1e309', '9007199254740993', '-0.0', '1.5', '1e-400', `1${'0'.repeat(400)}`).map((n) => (b) =>
    ('data' in b ? jsonText(setAt(b, ['data', 'figure', 'best'], 'NUM')) : jsonText({ ...b, id: 'NUM' })).replace('"NUM"', n)),
  // A date that does not exist.
  fc.constantFrom('2022-02-30', '2022-01-06T24:00:00Z', '0000-01-01', '10000-01-01', '2022-1-6', '06/01/2022').map((d) => (b) =>
    'occurredAt' in b ? jsonText({ ...b, occurredAt: d }) : 'publishedAt' in b ? jsonText({ ...b, publishedAt: d }) : jsonText({ ...b, startedAt: d, timeZone: 'Not/AZone' })),
  // A string that is not well-formed Unicode.
  fc.constantFrom('\\ud800', '\\udfff', 'x\\ud83d').map((s) => (b) => jsonText({ ...b, title: 'TITLE', type: 'TYPE', id: 'ID' }).replace(/"(TITLE|TYPE|ID)"/, `"${s}"`)),
  // Truncated.
  fc.nat().map((n) => (b) => {
    const text = jsonText(b);
    return text.slice(0, n % (text.length - 1));
  }),
  // Wrapped in an array, or a batch with junk.
  fc.constant((b: Record<string, any>) => jsonText([b])),
  fc.oneof(fc.constant(1001), fc.constant(0)).map((n) => (b) => jsonText({ events: Array.from({ length: n }, () => b) })),
  fc.constant((b: Record<string, any>) => jsonText({ events: [b], expectedRevision: 1e308 })),
);

/** Well-formed bodies that break a rule or an idempotency promise: never stored, whatever If-Match says. */
const ruleBroken: fc.Arbitrary<Buffer> = fc
  .constantFrom(
    () => ({ ...validBodies().event, source: { sourceId: `no-such-source-${randomUUID()}` } }),
    () => ({ ...validBodies().event, source: { sourceId: ids.source, quote: 'Words the source never said.' } }),
    () => ({ ...validBodies().event, type: 'ClaimRetracted', data: { eventId: randomUUID(), reason: 'no such event' } }),
    () => ({ ...validBodies().event, id: ids.event, data: { category: 'killed', group: 'civilians', figure: { best: 99 } } }),
    () => ({ ...validBodies().event, id: ids.event.toUpperCase(), data: { category: 'killed', group: 'civilians', figure: { best: 98 } } }),
    () => ({ events: [{ ...validBodies().event, source: { sourceId: `no-such-source-${randomUUID()}` } }, validBodies().event] }),
    () => ({ ...validBodies().source, id: ids.source, title: 'Another title' }),
    () => ({ ...validBodies().incident, id: ids.incident, title: 'Another title' }),
  )
  .map((make) => Buffer.from(jsonText(make())));

const nested = (depth: number, open: string, close: string, inner = '1') => `{"data":${open.repeat(depth)}${inner}${close.repeat(depth)}}`;
const invalidUtf8 = fc.constantFrom([0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe0, 0xa4], [0xf4, 0x90, 0x80, 0x80], [0xfe, 0xff]).map((bytes) =>
  Buffer.concat([Buffer.from('{"title":"'), Buffer.from(bytes), Buffer.from('"}')]));

/** A body as bytes: random JSON, objects with the catalogue's fields in wrong types, deep nesting, broken valid bodies, bytes that are not UTF-8. */
const body: fc.Arbitrary<Buffer | undefined> = fc.oneof(
  fc.constant(undefined),
  anyJson.map((v) => Buffer.from(jsonText(v))),
  objectWithFields.map((v) => Buffer.from(jsonText(v))),
  ruleBroken,
  fc.tuple(fc.constantFrom('source', 'incident', 'event') as fc.Arbitrary<'source' | 'incident' | 'event'>, breakers).map(([kind, brk]) => Buffer.from(brk(validBodies()[kind]))),
  fc.tuple(fc.integer({ min: 10, max: 20_000 }), fc.constantFrom(['{"a":', '}'], ['[', ']'], ['{"a":[', ']}'])).map(([depth, [open, close]]) => Buffer.from(nested(depth, open, close))),
  fc.constantFrom('', ' ', 'null', 'true', '"text"', '[]', '{}', '{', '{"a":1,}', "{'a':1}", '{"a":1}{"b":2}', '\ufeff{}', '{"a":NaN}', '{"a":Infinity}', '{"a":01}', '{"a":"\\x41"}', '{"a":"\\u00"}', '{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"x":1}}}', '{"events":{"0":{}}}', '{"events":"all"}', '{"a":1,"a":2}').map((t) => Buffer.from(t)),
  invalidUtf8,
  weirdString.map((s) => Buffer.from(s, 'utf8')),
);

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  fc.constantFrom('application/json; charset=utf-8', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/json;charset="UTF-8"', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/merge-patch+json', 'application/vnd.api+json', 'application/json, text/html', '*/*', 'json', ';', 'application/json; charset=', 'application/json; charset=nonsense'),
  weirdString.map((s) => s.replace(/[^\x20-\x7e]/g, '')),
);

const headerText = weirdString.map((s) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '').slice(0, 4000));
const extraHeaders = fc.record(
  {
    'if-match': fc.oneof(fc.constantFrom('"0"', '"1"', '"2"', '"-1"'), fc.constantFrom('"0"', '"-1"', '"-2"', '*', 'W/"1"', '"99999999999999999999"', '"1e3"', '""', '"', '"1", "2"', '1', '"0x1"'), headerText),
    'if-none-match': fc.oneof(fc.constantFrom('*', '"0"', 'W/"x"'), headerText),
    'last-event-id': fc.oneof(numberish, headerText, fc.constantFrom('0', '1', '-1', '1:2', '0/0', '18446744073709551616')),
    accept: fc.oneof(fc.constantFrom('text/event-stream', 'text/csv', 'application/xml', '*/*;q=0', ''), headerText),
    'content-encoding': fc.oneof({ weight: 6, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'compress', 'x-unknown') }),
    'x-forwarded-for': fc.constantFrom('1.2.3.4', 'garbage', '::1'),
  },
  { requiredKeys: [] },
);

/** A key for the runs that test the guard: the admin key mostly, garbage otherwise. */
const authorization = (allowBad: boolean) =>
  allowBad
    ? fc.oneof(
        fc.constantFrom(`Bearer ${READER}`, `Bearer ${REPORTER}`, `bearer ${ADMIN}`, `Bearer ${ADMIN}x`, `Bearer ${ADMIN.toUpperCase()}`, 'Bearer', 'Bearer ', `Bearer  ${ADMIN} extra`, `Basic ${Buffer.from('admin:admin').toString('base64')}`, 'Token abc', ''),
        headerText.map((s) => `Bearer ${s}`),
        headerText,
      )
    : fc.constant(`Bearer ${ADMIN}`);

const METHODS_NOT_IN_DOC = ['PUT', 'PATCH', 'DELETE', 'OPTIONS'];

function request(op: Operation, allowBad: boolean): fc.Arbitrary<Sent> {
  const existing: Record<string, () => string[]> = {
    id: () => (op.template.startsWith('/sources') ? [ids.source, 'missing-source'] : [ids.incident, ids.emptyIncident, 'missing-incident']),
    eventId: () => [ids.event, randomUUID()],
    stream: () => [`incident-${ids.incident}`, 'sources', 'incidents', `incident-${ids.emptyIncident}`],
  };
  const names = [...op.template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  return fc
    .record({
      params: fc.tuple(...names.map((n) => pathValue(existing[n] ?? (() => ['x'])))),
      query: queryString,
      body: op.method === 'POST' ? body : fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: body }),
      type: contentType,
      headers: extraHeaders,
      auth: authorization(allowBad),
      otherMethod: fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS_NOT_IN_DOC) }),
      chunked: fc.boolean(),
    })
    .map(({ params, query, body: sent, type, headers, auth, otherMethod, chunked }) => {
      let i = 0;
      const path = op.template.replace(/\{[^}]+\}/g, () => params[i++]) + query;
      // Header values as Node's client lets them through: tab, visible ASCII and Latin-1 bytes.
      const latin1 = (v: string) => v.replace(/[^\t\x20-\x7e\x80-\xff]/g, '');
      const all: Record<string, string> = Object.fromEntries(Object.entries({ ...headers, 'content-type': type }).map(([k, v]) => [k, latin1(v)]));
      if (auth !== '') all.authorization = latin1(auth);
      if (sent !== undefined && chunked) all['transfer-encoding'] = 'chunked';
      else if (sent !== undefined) all['content-length'] = String(sent.length);
      if (sent === undefined || all['content-encoding'] === '') delete all['content-encoding'];
      return { method: otherMethod ?? op.method, path, headers: all, body: sent };
    });
}

// ------------------------------------------------------------------------------------------------

beforeAll(async () => {
  // The rate limit is tested in hostile-traffic.e2e.spec.ts; here it would only answer 429 to the fuzz.
  ledger = await startLedger({ env: { API_KEYS: `${ADMIN}:admin,${READER}:reader,${REPORTER}:reporter`, RATE_LIMIT_PER_MINUTE: '0' } });
  const admin = bearer(ADMIN);
  ids.source = `fuzz-src-${randomUUID().slice(0, 8)}`;
  ids.incident = `fuzz-inc-${randomUUID().slice(0, 8)}`;
  ids.emptyIncident = `fuzz-empty-${randomUUID().slice(0, 8)}`;
  const registered = await Promise.all([
    ledger.call('POST', '/sources', { id: ids.source, publisher: 'Wire', title: 'Clashes', publishedAt: '2022-01-07T06:00:00Z', text: 'Police said 12 officers were killed on Thursday. More than 1,000 people were injured.' }, admin),
    ledger.call('POST', '/incidents', { id: ids.incident, title: 'Unrest', timeZone: 'Asia/Almaty' }, admin),
    ledger.call('POST', '/incidents', { id: ids.emptyIncident, title: 'Quiet' }, admin),
  ]);
  expect(registered.map((r) => r.status)).toEqual([201, 201, 201]);
  const { event } = validBodies();
  const appended = await ledger.call('POST', `/incidents/${ids.incident}/events`, {
    events: [event, { ...event, id: randomUUID(), type: 'ClaimRetracted', data: { eventId: event.id, reason: 'wrong' } }],
  }, admin);
  expect(appended.status).toBe(201);
  ids.event = event.id;
  const doc = (await ledger.call('GET', '/docs-json')).json as { paths: Record<string, Record<string, { 'x-required-role'?: string }>> };
  operations = Object.entries(doc.paths).flatMap(([template, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), template, role: op['x-required-role'] ?? '?' })));
  before = await logState();
});

afterAll(async () => {
  await ledger?.stop();
  if (ledger) removeDir(ledger.dataDir);
});

/** How often each status was answered, to show what the fuzz reached. */
const statuses = new Map<number, number>();

interface Failure {
  route: string;
  seed: number;
  counterexample: string;
  error: string;
}

async function fuzz(label: string, arbitrary: fc.Arbitrary<{ op: Operation; sent: Sent }>, numRuns: number, seed: number): Promise<Failure | null> {
  const result = await fc.check(
    fc.asyncProperty(arbitrary, async ({ op, sent }) => {
      const answer = await send(sent);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      const problem = wrong(op, sent, answer);
      if (problem !== null) throw new Error(`${problem}: ${answer.text.slice(0, 300)}`);
    }),
    { numRuns, seed, endOnFailure: true },
  );
  if (!result.failed) return null;
  const example = result.counterexample?.[0] as { sent: Sent } | undefined;
  const shown = example
    ? JSON.stringify({ ...example.sent, body: example.sent.body === undefined ? undefined : example.sent.body.toString('utf8').slice(0, 300) }).slice(0, 1500)
    : '?';
  const error = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
  return { route: label, seed: result.seed, counterexample: shown, error };
}

describe('found by the fuzz', () => {
  it('a write with a query parameter is 400 naming it, and nothing is stored (it used to be ignored, the write stored)', async () => {
    const state = await logState();
    const cases: Array<[string, unknown]> = [
      [`/incidents?knownAt=2022-01-06`, { id: `i-${randomUUID()}`, title: 'Unrest' }],
      [`/sources?dryRun=true`, validBodies().source],
      [`/incidents/${ids.incident}/events?expectedRevision=0`, validBodies().event],
    ];
    for (const [path, body] of cases) {
      const reply = await ledger.call('POST', path, body, bearer(ADMIN));
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(String), details: [{ field: path.split('?')[1].split('=')[0], message: expect.stringContaining('takes no query parameter') }] });
    }
    // A caller with no key still learns 401 first.
    expect((await ledger.call('POST', '/incidents?x=1', { id: `i-${randomUUID()}`, title: 'T' })).status).toBe(401);
    expect(await logState()).toBe(state);
  });
});

/** Bytes over a socket, as they are; resolves with what came back before the server closed (or 3 s passed). */
function sendRaw(bytes: Buffer): Promise<string> {
  const { port } = new URL(ledger.url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    const received: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(received).toString('latin1'));
    };
    const timer = setTimeout(done, 3_000);
    socket.on('data', (chunk) => {
      received.push(chunk);
      // One answer is enough: its head and its whole body (Content-Length) are in.
      const text = Buffer.concat(received).toString('latin1');
      const head = text.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, head))?.[1];
      if (head >= 0 && length !== undefined && Buffer.byteLength(text.slice(head + 4), 'latin1') >= Number(length)) done();
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.end(bytes);
  });
}

/** Requests that are not quite HTTP/1.1: request lines, header lines, framing (Content-Length and Transfer-Encoding) gone wrong. */
const rawRequest: fc.Arbitrary<Buffer> = fc
  .record({
    method: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('GET', 'POST') }, { weight: 1, arbitrary: fc.constantFrom('G ET', 'get', 'PRI', 'CONNECT', 'TRACE', '', 'POST\t', 'GET\0') }),
    path: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('/incidents', '/sources', '/audit/verify', '/incidents/ID/events', '/events/live', '/incidents/ID/casualties/live') },
      { weight: 1, arbitrary: fc.constantFrom('*', 'http://127.0.0.1/incidents', '//incidents', '/incidents/ID/../../audit/verify', 'incidents', '/inc idents', '/%', '/\u00ff', '') },
    ),
    version: fc.oneof({ weight: 6, arbitrary: fc.constant('HTTP/1.1') }, { weight: 1, arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 ', 'HTTP/9.9', 'http/1.1', '') }),
    headers: fc.array(
      fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom('Content-Type: application/json', 'Content-Type: application/json', 'Accept: */*', 'Connection: close', 'Expect: 100-continue', 'Upgrade: websocket', 'Connection: Upgrade', 'Content-Length: 5', 'Content-Length: -1', 'Content-Length: 5, 6', 'Content-Length: 99999999999999999999', 'Transfer-Encoding: chunked', 'Transfer-Encoding: gzip, chunked', 'Transfer-Encoding: chunked, identity', 'Transfer-Encoding : chunked', 'Last-Event-ID: 0', 'If-Match: "0"', 'Host: 127.0.0.1') },
        { weight: 1, arbitrary: fc.constantFrom('No colon here', ': empty name', ' Folded: continued', 'X-Null: a\0b', 'X-CR: a\rb', 'X-\u00e9: 1') },
      ),
      { maxLength: 5 },
    ),
    auth: fc.boolean(),
    host: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    body: fc.constantFrom('', '{}', '{"id":"x"}', '5\r\n{"a":\r\n0\r\n\r\n', 'zz\r\n{}\r\n0\r\n\r\n', '3\r\n{}\r\n', '0\r\n\r\nGET /audit/verify HTTP/1.1\r\nHost: x\r\n\r\n', '{"title":"\u00ff"}'),
  })
  .map(({ method, path, version, headers, auth, host, body }) =>
    Buffer.from(
      `${method} ${path.replace('ID', ids.incident)} ${version}\r\n${[...(host ? ['Host: 127.0.0.1'] : []), ...headers, ...(auth ? [`Authorization: Bearer ${ADMIN}`] : [])].join('\r\n')}\r\n\r\n${body}`,
      'latin1',
    ));

describe(`fuzz: every route of the OpenAPI document (seed ${SEED}, ${RUNS_PER_ROUTE} runs a route)`, () => {
  it('answers every malformed request with a 4xx and the error body, never a 5xx; the server stays up and the log is as before', async () => {
    const started = Date.now();
    expect(operations.length).toBeGreaterThan(30);
    const failures: Failure[] = [];
    let runs = 0;
    // Each route with the admin key: the guard lets every request reach validation and the handler.
    for (const [n, op] of operations.entries()) {
      const failure = await fuzz(`${op.method} ${op.template}`, request(op, false).map((sent) => ({ op, sent })), RUNS_PER_ROUTE, SEED + n);
      runs += RUNS_PER_ROUTE;
      if (failure) failures.push(failure);
    }
    // Across routes, with bad keys among the good ones.
    const anyRoute = fc.constantFrom(...operations).chain((op) => request(op, true).map((sent) => ({ op, sent })));
    const crossRuns = Math.max(100, RUNS_PER_ROUTE * 8);
    const failure = await fuzz('any route, any key', anyRoute, crossRuns, SEED + 10_000);
    runs += crossRuns;
    if (failure) failures.push(failure);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const histogram = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}: ${n}`).join(', ');
    process.stdout.write(`fuzz: ${runs} requests over ${operations.length} routes in ${seconds} s, seed ${SEED}, ${failures.length} route(s) failing; answers ${histogram}\n`);
    const found = failures.map((f) => `- ${f.route} (seed ${f.seed}): ${f.error}\n  ${f.counterexample}`).join('\n');
    // The server is still up, and the log is exactly as it was.
    expect((await send({ method: 'GET', path: '/health', headers: {} })).status).toBe(200);
    const after = await logState();
    if (failures.length > 0) throw new Error(`The fuzz (FUZZ_SEED=${SEED}) found ${failures.length} route(s) answering wrong:\n${found}`);
    expect(after).toBe(before);
  });

  it('answers requests that are not quite HTTP/1.1 with a 4xx and the error body (or a harmless read); the server stays up and the log is as before', async () => {
    const started = Date.now();
    const runs = Math.max(100, RUNS_PER_ROUTE * 5);
    const seen = new Map<number, number>();
    const result = await fc.check(
      fc.asyncProperty(rawRequest, async (bytes) => {
        const text = await sendRaw(bytes);
        if (text === '') return; // the connection closed with no answer: nothing was asked that HTTP could read
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
        seen.set(status, (seen.get(status) ?? 0) + 1);
        if (status === 100 || status === 101) return;
        if (status === 0) throw new Error(`not an HTTP answer: ${text.slice(0, 200)}`);
        if (status >= 500) throw new Error(`a ${status}: ${text.slice(0, 400)}`);
        const head = text.slice(0, text.indexOf('\r\n\r\n'));
        if (status >= 400 && !/\r\ncontent-type: *application\/json/i.test(head)) throw new Error(`a ${status} that is not JSON: ${text.slice(0, 400)}`);
        if (status >= 400 && !/"statusCode":\d{3},"error":"[^"]+","message":"/.test(text)) throw new Error(`a ${status} without the error body: ${text.slice(0, 400)}`);
        if (status < 400 && /^POST /.test(bytes.toString('latin1')) && !/^POST \S*\/auth\//.test(bytes.toString('latin1'))) throw new Error(`a ${status} to a write: ${text.slice(0, 400)}`);
      }),
      { numRuns: runs, seed: SEED + 20_000, endOnFailure: true },
    );
    const histogram = [...seen].sort(([a], [b]) => a - b).map(([status, n]) => `${status}: ${n}`).join(', ');
    process.stdout.write(`fuzz (raw HTTP): ${runs} requests in ${((Date.now() - started) / 1000).toFixed(1)} s, seed ${SEED + 20_000}; answers ${histogram}\n`);
    expect((await send({ method: 'GET', path: '/health', headers: {} })).status).toBe(200);
    const after = await logState();
    if (result.failed) {
      const example = (result.counterexample?.[0] as Buffer | undefined)?.toString('latin1') ?? '?';
      throw new Error(`The raw fuzz (FUZZ_SEED=${SEED}) found: ${result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance)}\n  ${JSON.stringify(example)}`);
    }
    expect(after).toBe(before);
  });
});
