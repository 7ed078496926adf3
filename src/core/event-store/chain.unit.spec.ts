// Fixed vectors for the hash chain of EVENTS.md, computed by another implementation: Python's standard
// library (hashlib) and a small RFC 8785 canonicaliser written from the RFC (test/oracle/chain-vectors.py,
// which prints them). None of the values below comes from this project's code.
import { jcs, sha256Hex } from '../../../test/support/jcs';
import { canonical, contentOf, sha256 } from './chain';
import { GENESIS_HASH } from './event-store';
import { SqliteEventStore } from './sqlite-event-store';

const RECORDED_AT = '2024-03-01T12:00:00.000Z';

/**
 * Four events of one stream as the write side hands them to the store (`body`), then the canonical JSON
 * of each stored event (body + id, type, revision, recordedAt, prevHash; no hash, no position) and its
 * SHA-256. Non-ASCII text, typographic quotes, emoji (one with a variation selector, one a flag), control
 * characters, U+2028 (not escaped by RFC 8785), nested objects and non-integer numbers.
 */
const CHAIN = [
  {
    id: '0b0c1d2e-0000-4000-8000-000000000001',
    type: 'CasualtiesReported',
    body: {
      incidentId: 'kz-2022-vectors',
      schemaVersion: 1,
      occurredAt: '2022-01-05T18:00:00.000Z',
      occurredPrecision: 'day',
      location: { name: 'Алматы', lat: 43.2389, lon: 76.8897, precision: 'city' },
      source: {
        sourceId: 'tengrinews-2022-01-06',
        quote: '«Погибли 8 сотрудников» — сообщили в МВД',
        attributedTo: 'Министерство внутренних дел',
      },
      reportedAt: '2022-01-06T03:15:00.000Z',
      data: {
        category: 'killed',
        group: 'security_forces',
        scope: 'Almaty',
        figure: { best: 8, qualifier: 'exact', text: 'восемь' },
      },
    },
    canonical:
      '{"data":{"category":"killed","figure":{"best":8,"qualifier":"exact","text":"восемь"},"group":"security_forces","scope":"Almaty"},"id":"0b0c1d2e-0000-4000-8000-000000000001","incidentId":"kz-2022-vectors","location":{"lat":43.2389,"lon":76.8897,"name":"Алматы","precision":"city"},"occurredAt":"2022-01-05T18:00:00.000Z","occurredPrecision":"day","prevHash":"0000000000000000000000000000000000000000000000000000000000000000","recordedAt":"2024-03-01T12:00:00.000Z","reportedAt":"2022-01-06T03:15:00.000Z","revision":0,"schemaVersion":1,"source":{"attributedTo":"Министерство внутренних дел","quote":"«Погибли 8 сотрудников» — сообщили в МВД","sourceId":"tengrinews-2022-01-06"},"type":"CasualtiesReported"}',
    hash: '502cc16d3993a2a618725cf76208a9d9be0aa13398ca0b1b7f578dae927a32a4',
  },
  {
    id: '0b0c1d2e-0000-4000-8000-000000000002',
    type: 'StatementMade',
    body: {
      incidentId: 'kz-2022-vectors',
      schemaVersion: 1,
      occurredAt: '2022-01-07T04:00:00.000Z',
      occurredPrecision: 'exact',
      source: {
        sourceId: 'akorda-2022-01-07',
        quote: '“Constitutional order has largely been restored” 🕊️',
        attributedTo: 'President’s office',
      },
      reportedAt: '2022-01-07T05:30:00.000Z',
      data: {
        speaker: 'Kassym-Jomart Tokayev',
        summary: 'Line one\nline two\t"quoted" \\ back\u2028sep\u001f end 🇰🇿',
      },
    },
    canonical:
      '{"data":{"speaker":"Kassym-Jomart Tokayev","summary":"Line one\\nline two\\t\\"quoted\\" \\\\ back\u2028sep\\u001f end 🇰🇿"},"id":"0b0c1d2e-0000-4000-8000-000000000002","incidentId":"kz-2022-vectors","occurredAt":"2022-01-07T04:00:00.000Z","occurredPrecision":"exact","prevHash":"502cc16d3993a2a618725cf76208a9d9be0aa13398ca0b1b7f578dae927a32a4","recordedAt":"2024-03-01T12:00:00.000Z","reportedAt":"2022-01-07T05:30:00.000Z","revision":1,"schemaVersion":1,"source":{"attributedTo":"President’s office","quote":"“Constitutional order has largely been restored” 🕊️","sourceId":"akorda-2022-01-07"},"type":"StatementMade"}',
    hash: 'fa36d3867002f47ab58d06914d6dfe5bde27703f0369490f654a7219dc9a1cb6',
  },
  {
    id: '0b0c1d2e-0000-4000-8000-000000000003',
    type: 'TroopsDeployed',
    body: {
      incidentId: 'kz-2022-vectors',
      schemaVersion: 1,
      occurredAt: '2022-01-07T00:00:00.000Z',
      occurredPrecision: 'day',
      location: { name: 'Нур-Султан', precision: 'city' },
      source: { sourceId: 'csto-2022-01-08', attributedTo: 'ОДКБ' },
      reportedAt: '2022-01-08T09:00:00.000Z',
      data: {
        contributor: 'Россия',
        force: 'CSTO peacekeeping force',
        status: 'deployed',
        strength: { best: 2030, low: 2000, high: 2500, qualifier: 'approximately', text: '≈2 030' },
      },
    },
    canonical:
      '{"data":{"contributor":"Россия","force":"CSTO peacekeeping force","status":"deployed","strength":{"best":2030,"high":2500,"low":2000,"qualifier":"approximately","text":"≈2 030"}},"id":"0b0c1d2e-0000-4000-8000-000000000003","incidentId":"kz-2022-vectors","location":{"name":"Нур-Султан","precision":"city"},"occurredAt":"2022-01-07T00:00:00.000Z","occurredPrecision":"day","prevHash":"fa36d3867002f47ab58d06914d6dfe5bde27703f0369490f654a7219dc9a1cb6","recordedAt":"2024-03-01T12:00:00.000Z","reportedAt":"2022-01-08T09:00:00.000Z","revision":2,"schemaVersion":1,"source":{"attributedTo":"ОДКБ","sourceId":"csto-2022-01-08"},"type":"TroopsDeployed"}',
    hash: '32e065fa694adcd039a7309a7fb38433f223f07872e0b8cba52924c5b7651d0f',
  },
  {
    id: '0b0c1d2e-0000-4000-8000-000000000004',
    type: 'ClaimCorrected',
    body: {
      incidentId: 'kz-2022-vectors',
      schemaVersion: 1,
      occurredAt: '2022-01-09T00:00:00.000Z',
      occurredPrecision: 'day',
      source: { sourceId: 'tengrinews-2022-01-09' },
      reportedAt: '2022-01-09T10:00:00.000Z',
      data: {
        eventId: '0b0c1d2e-0000-4000-8000-000000000001',
        figure: { best: 18, qualifier: 'at_least' },
        data: { scope: 'Алматы' },
      },
    },
    canonical:
      '{"data":{"data":{"scope":"Алматы"},"eventId":"0b0c1d2e-0000-4000-8000-000000000001","figure":{"best":18,"qualifier":"at_least"}},"id":"0b0c1d2e-0000-4000-8000-000000000004","incidentId":"kz-2022-vectors","occurredAt":"2022-01-09T00:00:00.000Z","occurredPrecision":"day","prevHash":"32e065fa694adcd039a7309a7fb38433f223f07872e0b8cba52924c5b7651d0f","recordedAt":"2024-03-01T12:00:00.000Z","reportedAt":"2022-01-09T10:00:00.000Z","revision":3,"schemaVersion":1,"source":{"sourceId":"tengrinews-2022-01-09"},"type":"ClaimCorrected"}',
    hash: '6be5e428581200f407fc3a98790a6978a6f8baed52938a6b3c2354f69716ecf3',
  },
];

/** RFC 8785 section 3.2.3's own example of member ordering by UTF-16 code units (escaped, so no editor normalises them). */
const RFC_SORT = {
  input: {
    '\u20ac': 'Euro Sign',
    '\r': 'Carriage Return',
    '\ufb33': 'Hebrew Letter Dalet With Dagesh',
    '1': 'One',
    '\u{1f600}': 'Emoji: Grinning Face',
    '\u0080': 'Control',
    '\u00f6': 'Latin Small Letter O With Diaeresis',
  },
  canonical:
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
    '"\u{1f600}":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
};

/** Code-unit order, not code-point order: U+1F600 (a surrogate pair, D83D DE00) sorts before U+FB00. */
const KEYS = {
  input: { b: 1, a: { z: [1, 'x', null, true, false], '\u00e9': 0.5, '\u{1f600}': 'grin', '\ufb00': 'ff', Z: -3 }, '': '' },
  canonical: '{"":"","a":{"Z":-3,"z":[1,"x",null,true,false],"\u00e9":0.5,"\u{1f600}":"grin","\ufb00":"ff"},"b":1}',
  hash: 'a51ae582ba079bc04753baf4846acd51d793ac22ae865b95e8a465d398d9fe08',
};

const storedOf = (v: (typeof CHAIN)[number], revision: number, prevHash: string) =>
  ({ ...v.body, id: v.id, type: v.type, revision, recordedAt: RECORDED_AT, prevHash }) as Record<string, unknown>;

describe('the hash chain against vectors computed elsewhere (Python, RFC 8785, SHA-256)', () => {
  it('canonicalises and hashes each stored event exactly as the vectors say', () => {
    let prevHash = GENESIS_HASH;
    for (const [revision, v] of CHAIN.entries()) {
      const stored = storedOf(v, revision, prevHash);
      expect(canonical(stored)).toBe(v.canonical);
      expect(sha256(v.canonical)).toBe(v.hash);
      prevHash = v.hash;
    }
  });

  it('canonicalises object members in UTF-16 code-unit order (RFC 8785 3.2.3)', () => {
    expect(canonical(RFC_SORT.input)).toBe(RFC_SORT.canonical);
    expect(canonical(KEYS.input)).toBe(KEYS.canonical);
    expect(sha256(KEYS.canonical)).toBe(KEYS.hash);
  });

  it('stores the events of one stream with exactly that JSON, prevHash and hash, and serves them back so', async () => {
    const store = new SqliteEventStore(':memory:', () => new Date(RECORDED_AT));
    try {
      const stream = 'kz-2022-vectors';
      const first = await store.appendToStream(stream, [{ id: CHAIN[0].id, type: CHAIN[0].type, body: CHAIN[0].body }]);
      const rest = await store.appendToStream(stream, CHAIN.slice(1).map((v) => ({ id: v.id, type: v.type, body: v.body })));
      const written = [...first.events, ...rest.events];
      expect(written.map((e) => [e.revision, e.prevHash, e.json, e.hash])).toEqual(
        CHAIN.map((v, i) => [i, i === 0 ? GENESIS_HASH : CHAIN[i - 1].hash, v.canonical, v.hash]),
      );
      const read = await store.readStream(stream);
      expect(read.map((e) => [e.json, e.hash])).toEqual(CHAIN.map((v) => [v.canonical, v.hash]));
      expect(read.map((e) => e.event)).toEqual(CHAIN.map((v, i) => storedOf(v, i, i === 0 ? GENESIS_HASH : CHAIN[i - 1].hash)));
      expect(await store.streamHead(stream)).toMatchObject({ revision: 3, hash: CHAIN[3].hash });
      // The same id and body again is the same event: the idempotency comparison sees equal content.
      const again = await store.appendToStream(stream, [{ id: CHAIN[1].id, type: CHAIN[1].type, body: CHAIN[1].body }]);
      expect(again.written).toBe(false);
      expect(contentOf(JSON.parse(again.events[0].json))).toBe(canonical({ ...CHAIN[1].body, id: CHAIN[1].id, type: CHAIN[1].type }));
    } finally {
      await store.close();
    }
  });

  it("checks the tests' own canonicaliser (test/support/jcs.ts) against the same vectors", () => {
    let prevHash = GENESIS_HASH;
    for (const [revision, v] of CHAIN.entries()) {
      expect(jcs(storedOf(v, revision, prevHash))).toBe(v.canonical);
      expect(sha256Hex(v.canonical)).toBe(v.hash);
      prevHash = v.hash;
    }
    expect(jcs(RFC_SORT.input)).toBe(RFC_SORT.canonical);
    expect(jcs(KEYS.input)).toBe(KEYS.canonical);
  });
});
