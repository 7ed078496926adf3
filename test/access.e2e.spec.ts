import { Controller, Get, Module } from '@nestjs/common';
import { APP_GUARD, ModulesContainer, NestFactory } from '@nestjs/core';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { NestExpressApplication } from '@nestjs/platform-express';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AccessGuard } from '../src/access/access.guard';
import { ApiKeys, StreamTokens } from '../src/access/keys';
import { ROLE_KEY } from '../src/access/role.decorator';
import { SOURCE_TEXT, killed } from './support/fixtures';
import { call, removeDir, Reply, RunningLedger, startLedger, tempDataDir } from './support/ledger';

// API.md "Access", checked from outside against a real server with keys: every operation of the
// OpenAPI document, called with no key, a wrong key, a malformed header and each role's key, and each
// answer compared with the table below. The table is this test's own reading of API.md's route tables,
// not the guard's code: if either changes alone, this fails.

type Need = 'none' | 'reporter' | 'reader' | 'auditor';
type Role = 'reporter' | 'reader' | 'auditor' | 'admin';
const ROLES: Role[] = ['reporter', 'reader', 'auditor', 'admin'];

/** API.md: reporter writes events and sources; reader reads projections, live, exports; auditor is reader plus lineage and audit; admin everything. */
const WHO: Record<Need, Role[]> = {
  none: ROLES,
  reporter: ['reporter', 'admin'],
  reader: ['reader', 'auditor', 'admin'],
  auditor: ['auditor', 'admin'],
};

const PROJECTIONS = ['troop-presence', 'casualties', 'situation', 'timeline'];

/** Every operation of the app, and the role it needs, from API.md's tables ("Writing", "Reading", "Live", "Audit", "Access", "Health"). */
const TABLE: Record<string, Need> = {
  // Writing
  'POST /sources': 'reporter',
  'POST /incidents': 'reporter',
  'POST /incidents/{id}/events': 'reporter',
  // Reading (the log and the streams of hashed events are in API.md's Reading table)
  'GET /sources': 'reader',
  'GET /sources/{id}': 'reader',
  'GET /sources/{id}/ledger': 'reader',
  'GET /incidents': 'reader',
  'GET /incidents/{id}': 'reader',
  'GET /incidents/{id}/events': 'reader',
  'GET /events/{eventId}': 'reader',
  'GET /streams/{stream}/events': 'reader',
  'GET /incidents/{id}/events.csv': 'reader',
  'GET /incidents/{id}/events.geojson': 'reader',
  ...Object.fromEntries(PROJECTIONS.map((p) => [`GET /incidents/{id}/${p}`, 'reader'])),
  // Live
  ...Object.fromEntries(PROJECTIONS.map((p) => [`GET /incidents/{id}/${p}/live`, 'reader'])),
  'GET /events/live': 'reader',
  'POST /auth/stream-token': 'reader',
  // Audit
  ...Object.fromEntries(PROJECTIONS.map((p) => [`GET /incidents/{id}/${p}/lineage`, 'auditor'])),
  ...Object.fromEntries(PROJECTIONS.map((p) => [`GET /incidents/{id}/${p}/changes`, 'auditor'])),
  'GET /audit/verify': 'auditor',
  'GET /audit/heads': 'auditor',
  'GET /audit/key': 'auditor',
  'GET /metrics': 'reader',
  // Health: the probes carry no key
  'GET /health': 'none',
  'GET /health/ready': 'none',
};
const LIVE = new Set([...PROJECTIONS.map((p) => `GET /incidents/{id}/${p}/live`), 'GET /events/live']);

const KEYS: Record<Role, string> = {
  reporter: `rep-${randomUUID()}`,
  reader: `read-${randomUUID()}`,
  auditor: `aud-${randomUUID()}`,
  admin: `adm-${randomUUID()}`,
};
const API_KEYS = ROLES.map((role) => `${KEYS[role]}:${role}`).join(',');
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** A live route: its status, headers and body text up to the first message (or the whole error body); then the client hangs up. */
const openStream = (url: string, headers: Record<string, string> = {}): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'GET', headers }, (res) => {
      const replyHeaders = new Headers();
      for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') replyHeaders.set(name, value);
      let text = '';
      res.setEncoding('utf8');
      const done = () => {
        req.destroy();
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: replyHeaders, text, json });
      };
      res.on('data', (chunk: string) => {
        text += chunk;
        if (res.statusCode === 200 && text.includes('event: snapshot')) done();
      });
      res.on('end', done);
    });
    req.on('error', reject);
    req.end();
  });

const isErrorBody = (reply: Reply, status: number) =>
  expect(reply.json).toEqual({ statusCode: status, error: status === 401 ? 'Unauthorized' : 'Forbidden', message: expect.any(String) });

describe('access with API keys', () => {
  let ledger: RunningLedger;
  let doc: any;
  let incidentId: string;
  let sourceId: string;
  let eventId: string;

  beforeAll(async () => {
    ledger = await startLedger({ env: { API_KEYS } });
    const admin = bearer(KEYS.admin);
    sourceId = `src-${randomUUID().slice(0, 8)}`;
    incidentId = `inc-${randomUUID().slice(0, 8)}`;
    const s = await ledger.call('POST', '/sources', { id: sourceId, publisher: 'Wire', title: 'Clashes', publishedAt: '2022-01-07T06:00:00Z', text: SOURCE_TEXT }, admin);
    const i = await ledger.call('POST', '/incidents', { id: incidentId, title: 'Unrest', timeZone: 'Asia/Almaty' }, admin);
    const event = killed(sourceId, 12);
    const e = await ledger.call('POST', `/incidents/${incidentId}/events`, event, admin);
    if (s.status !== 201 || i.status !== 201 || e.status !== 201) throw new Error(`setup: ${s.text} ${i.text} ${e.text}`);
    eventId = event.id;
    // The document is open (like the dashboard's files): it holds no data, and clients need it to learn the scheme.
    const res = await ledger.call('GET', '/docs-json');
    expect(res.status).toBe(200);
    doc = res.json;
  });

  afterAll(async () => {
    await ledger.stop();
    removeDir(ledger.dataDir);
  });

  const operations = (): string[] =>
    Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([template, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${template}`));

  /** A well-formed request for an operation: real ids, the query parameters it needs, a new body for writes. */
  function request(operation: string): { method: string; path: string; body?: unknown } {
    const [method, template] = operation.split(' ');
    let path = template.replace('{id}', template.startsWith('/sources') ? sourceId : incidentId).replace('{eventId}', eventId).replace('{stream}', 'sources');
    if (path.endsWith('/lineage')) path += '?path=&knownAt=2022-01-08';
    if (path.endsWith('/changes')) path += '?from=2022-01-01&to=2022-01-08';
    const body =
      operation === 'POST /sources' ? { id: `src-${randomUUID().slice(0, 8)}`, publisher: 'Wire', title: 'More', publishedAt: '2022-01-07' }
      : operation === 'POST /incidents' ? { id: `inc-${randomUUID().slice(0, 8)}`, title: 'Unrest' }
      : operation === 'POST /incidents/{id}/events' ? killed(sourceId, 3)
      : undefined;
    return { method, path, body };
  }

  const send = (operation: string, headers: Record<string, string>): Promise<Reply> => {
    const { method, path, body } = request(operation);
    return LIVE.has(operation) ? openStream(ledger.url + path, headers) : call(ledger.url, method, path, body, headers);
  };

  it('the table names every operation of the document, and the document declares each one\'s role, security and 401/403', () => {
    expect(operations().sort()).toEqual(Object.keys(TABLE).sort());
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const operation of operations()) {
      const [method, template] = operation.split(' ');
      const op = doc.paths[template][method.toLowerCase()];
      const need = TABLE[operation];
      expect({ operation, role: op['x-required-role'] }).toEqual({ operation, role: need });
      if (need === 'none') {
        expect({ operation, security: op.security }).toEqual({ operation, security: undefined });
        expect(op.responses['401']).toBeUndefined();
      } else {
        expect({ operation, security: op.security }).toEqual({ operation, security: LIVE.has(operation) ? [{ bearer: [] }, { streamToken: [] }] : [{ bearer: [] }] });
        expect(op.responses['401'].headers['WWW-Authenticate']).toMatchObject({ required: true });
        expect(op.responses['403']).toBeDefined();
      }
    }
  });

  it('every route of the application declares a role (so none is left open by mistake)', () => {
    const missing: string[] = [];
    let routes = 0;
    for (const module of ledger.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const type = wrapper.metatype as any;
        if (!type?.prototype) continue;
        for (const name of Object.getOwnPropertyNames(type.prototype)) {
          const handler = type.prototype[name];
          if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
          routes++;
          if (Reflect.getMetadata(ROLE_KEY, handler) === undefined && Reflect.getMetadata(ROLE_KEY, type) === undefined) {
            missing.push(`${type.name}.${name} (${Reflect.getMetadata(PATH_METADATA, handler)})`);
          }
        }
      }
    }
    expect(routes).toBe(Object.keys(TABLE).length);
    expect(missing).toEqual([]);
  });

  const callers: Array<[caller: string, headers: () => Record<string, string>, role: Role | null]> = [
    ['no key', () => ({}), null],
    ['a wrong key', () => bearer(`wrong-${randomUUID()}`), null],
    ['a key one character off', () => bearer(KEYS.admin.slice(0, -1) + (KEYS.admin.endsWith('0') ? '1' : '0')), null],
    ['a Basic header', () => ({ authorization: `Basic ${Buffer.from(`x:${KEYS.admin}`).toString('base64')}` }), null],
    ['the key without "Bearer"', () => ({ authorization: KEYS.admin }), null],
    ...ROLES.map((role): [string, () => Record<string, string>, Role] => [`the ${role} key`, () => bearer(KEYS[role]), role]),
  ];

  it('walks every operation with every caller, and each answer is what the table says', async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const operation of Object.keys(TABLE)) {
      for (const [caller, headers, role] of callers) {
        const reply = await send(operation, headers());
        checked++;
        const need = TABLE[operation];
        const expected = need === 'none' || (role !== null && WHO[need].includes(role)) ? 'allowed' : role === null ? 401 : 403;
        const where = `${operation} with ${caller}: ${reply.status} ${reply.text.slice(0, 160)}`;
        if (expected === 'allowed') {
          if (reply.status < 200 || reply.status >= 300) wrong.push(`${where}; expected 2xx`);
          continue;
        }
        if (reply.status !== expected) {
          wrong.push(`${where}; expected ${expected}`);
          continue;
        }
        if (expected === 401 && !/^Bearer\b/.test(reply.headers.get('www-authenticate') ?? '')) wrong.push(`${where}; no WWW-Authenticate: Bearer`);
        if (expected === 403 && reply.headers.get('www-authenticate') !== null) wrong.push(`${where}; a 403 with WWW-Authenticate`);
        if (reply.json?.statusCode !== expected || typeof reply.json?.message !== 'string' || typeof reply.json?.error !== 'string') wrong.push(`${where}; not the error body`);
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBe(Object.keys(TABLE).length * callers.length);
  }, 60_000);

  it('a refused write stores nothing', async () => {
    const source = { id: `src-${randomUUID().slice(0, 8)}`, publisher: 'Wire', title: 'Refused', publishedAt: '2022-01-07' };
    expect((await ledger.call('POST', '/sources', source, bearer(KEYS.reader))).status).toBe(403);
    expect((await ledger.call('POST', '/sources', source)).status).toBe(401);
    expect((await ledger.call('GET', `/sources/${source.id}`, undefined, bearer(KEYS.reader))).status).toBe(404);
  });

  describe('stream tokens', () => {
    const token = async (role: Role): Promise<{ token: string; expiresAt: string }> => {
      const reply = await ledger.call('POST', '/auth/stream-token', undefined, bearer(KEYS[role]));
      expect(reply.status).toBe(200);
      return reply.json;
    };
    const live = () => `/incidents/${incidentId}/casualties/live`;

    it('a key with at least reader gets one, valid for minutes; a reporter key or no key does not', async () => {
      for (const role of ['reader', 'auditor', 'admin'] as Role[]) {
        const answer = await token(role);
        expect(answer).toEqual({ token: expect.any(String), expiresAt: expect.any(String) });
        const left = Date.parse(answer.expiresAt) - Date.now();
        expect(left).toBeGreaterThan(290_000);
        expect(left).toBeLessThanOrEqual(300_000);
      }
      expect((await ledger.call('POST', '/auth/stream-token', undefined, bearer(KEYS.reporter))).status).toBe(403);
      const none = await ledger.call('POST', '/auth/stream-token');
      expect(none.status).toBe(401);
      isErrorBody(none, 401);
    });

    it('opens every live route, and only those', async () => {
      const { token: t } = await token('reader');
      const q = `token=${encodeURIComponent(t)}`;
      for (const path of [...PROJECTIONS.map((p) => `/incidents/${incidentId}/${p}/live?${q}`), `/events/live?incident=${incidentId}&${q}`]) {
        const reply = await openStream(ledger.url + path);
        expect({ path, status: reply.status, type: reply.headers.get('content-type') }).toEqual({ path, status: 200, type: expect.stringContaining('text/event-stream') });
        expect(reply.text).toContain('event: snapshot');
      }
      // Never on a route that is not live, whatever role it carries.
      const { token: adminToken } = await token('admin');
      for (const [method, path] of [
        ['GET', `/incidents/${incidentId}/casualties`],
        ['GET', '/incidents'],
        ['GET', `/incidents/${incidentId}/events.csv`],
        ['GET', `/incidents/${incidentId}/casualties/lineage?path=`],
        ['GET', '/audit/verify'],
        ['POST', '/auth/stream-token'],
      ]) {
        for (const tk of [t, adminToken]) {
          const reply = await ledger.call(method, `${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(tk)}`);
          expect({ method, path, status: reply.status }).toEqual({ method, path, status: 401 });
          expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
        }
      }
      const write = await ledger.call('POST', `/incidents/${incidentId}/events?token=${encodeURIComponent(adminToken)}`, killed(sourceId, 1));
      expect(write.status).toBe(401);
    });

    it('refuses a tampered, truncated or foreign token with 401', async () => {
      const { token: t } = await token('reader');
      const [payload, mac] = t.split('.');
      const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
      // A payload that claims admin and a far expiry, with the reader token's MAC.
      const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'admin', exp: Date.now() + 10 ** 9 })).toString('base64url');
      const bad = [
        `${flip(payload, 5)}.${mac}`,
        `${payload}.${flip(mac, 3)}`,
        `${payload}.${mac.slice(0, -1)}`,
        `${payload}.${mac}x`,
        `${forged}.${mac}`,
        payload,
        `.${mac}`,
        '',
        'not-a-token',
      ];
      for (const tk of bad) {
        const reply = await openStream(`${ledger.url}${live()}?token=${encodeURIComponent(tk)}`);
        expect({ tk, status: reply.status }).toEqual({ tk, status: 401 });
        expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
        isErrorBody(reply, 401);
      }
    });

    it('expires: a token is accepted until its lifetime ends, then 401; a token of another server never', async () => {
      const short = await startLedger({ env: { API_KEYS, STREAM_TOKEN_SECONDS: '1' } });
      try {
        const reply = await short.call('POST', '/auth/stream-token', undefined, bearer(KEYS.auditor));
        expect(reply.status).toBe(200);
        expect(Date.parse(reply.json.expiresAt) - Date.now()).toBeLessThanOrEqual(1000);
        const path = `/events/live?token=${encodeURIComponent(reply.json.token)}`;
        const first = await openStream(short.url + path);
        expect(first.status).toBe(200);
        // Signed with the other server's secret: refused here.
        expect((await openStream(`${ledger.url}${live()}?token=${encodeURIComponent(reply.json.token)}`)).status).toBe(401);
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(reply.json.expiresAt) - Date.now()) + 100));
        const late = await openStream(short.url + path);
        expect(late.status).toBe(401);
        expect(late.json.message).toMatch(/expired/);
        // The key itself still works.
        expect((await openStream(short.url + '/events/live', bearer(KEYS.auditor))).status).toBe(200);
      } finally {
        await short.stop();
        removeDir(short.dataDir);
      }
    });

    it('a key in the header is used on a live route even when a token is there too', async () => {
      const reply = await openStream(`${ledger.url}${live()}?token=tampered`, bearer(KEYS.reader));
      expect(reply.status).toBe(200);
      expect((await openStream(`${ledger.url}${live()}?token=tampered`, bearer(KEYS.reporter))).status).toBe(403);
    });
  });
});

describe('open local mode (no API_KEYS)', () => {
  let ledger: RunningLedger;
  beforeAll(async () => {
    ledger = await startLedger();
  });
  afterAll(async () => {
    await ledger.stop();
    removeDir(ledger.dataDir);
  });

  it('answers every kind of route with no key, as before', async () => {
    const sourceId = `src-${randomUUID().slice(0, 8)}`;
    expect((await ledger.call('POST', '/sources', { id: sourceId, publisher: 'Wire', title: 'Clashes', publishedAt: '2022-01-07', text: SOURCE_TEXT })).status).toBe(201);
    expect((await ledger.call('GET', '/incidents')).status).toBe(200);
    expect((await ledger.call('GET', '/audit/verify')).status).toBe(200);
    expect((await ledger.call('GET', '/health')).status).toBe(200);
    // Any header is ignored: there is nothing to check it against.
    expect((await ledger.call('GET', '/sources', undefined, bearer('anything'))).status).toBe(200);
    const token = await ledger.call('POST', '/auth/stream-token');
    expect(token.status).toBe(200);
    expect((await openStream(`${ledger.url}/events/live?token=${encodeURIComponent(token.json.token)}`)).status).toBe(200);
  });
});

describe('a route that declares no role', () => {
  @Controller('forgotten')
  class ForgottenController {
    @Get()
    hello() {
      return { hello: 'world' };
    }
  }

  for (const keys of [[], [{ key: 'k', role: 'admin' }]]) {
    it(`is refused to everyone (fail closed), ${keys.length ? 'with keys' : 'in open mode'}`, async () => {
      @Module({
        controllers: [ForgottenController],
        providers: [
          { provide: ApiKeys, useValue: new ApiKeys(keys) },
          { provide: StreamTokens, useValue: new StreamTokens(60_000) },
          { provide: APP_GUARD, useClass: AccessGuard },
        ],
      })
      class BareModule {}
      const app = await NestFactory.create<NestExpressApplication>(BareModule, { logger: false });
      await app.listen(0, '127.0.0.1');
      try {
        const { port } = app.getHttpServer().address() as AddressInfo;
        const reply = await call(`http://127.0.0.1:${port}`, 'GET', '/forgotten', undefined, bearer('k'));
        expect(reply.status).toBe(403);
      } finally {
        await app.close();
      }
    });
  }
});

describe('starting the server (src/main.ts)', () => {
  /** Runs main.ts; resolves with its exit code and output once it exits, or once `until` shows in its output (then stops it). */
  const run = (env: Record<string, string>, until?: RegExp): Promise<{ code: number | null; out: string; err: string }> =>
    new Promise((resolve) => {
      const dataDir = tempDataDir();
      const child = spawn(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), join(__dirname, '..', 'src', 'main.ts')], {
        env: { PATH: process.env.PATH ?? '', TS_NODE_PROJECT: join(__dirname, '..', 'tsconfig.json'), DATA_DIR: dataDir, DATASETS: 'none', PORT: '0', ...env },
        cwd: dataDir, // no .env from the checkout
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      const check = () => {
        if (until && until.test(out + err)) child.kill('SIGTERM');
      };
      child.stdout.on('data', (chunk) => ((out += chunk), check()));
      child.stderr.on('data', (chunk) => ((err += chunk), check()));
      child.on('exit', (code) => {
        removeDir(dataDir);
        resolve({ code, out, err });
      });
    });

  it('refuses a bad API_KEYS, an unknown role, an open server off loopback and a bad PORT, each with one line', async () => {
    const results = await Promise.all([
      run({ API_KEYS: 'secret-key:writer' }),
      run({ API_KEYS: 'secret-key' }),
      run({ HOST: '0.0.0.0' }),
      run({ PORT: 'http' }),
    ]);
    for (const { code, out, err } of results) {
      expect(code).toBe(1);
      expect(out).toBe('');
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(err).not.toContain('secret-key');
    }
    expect(results[0].err).toMatch(/^crisis-ledger: cannot start: API_KEYS: entry 1 has the unknown role "writer"/);
    expect(results[1].err).toMatch(/^crisis-ledger: cannot start: API_KEYS: entry 1 is not key:role/);
    expect(results[2].err).toMatch(/^crisis-ledger: cannot start: HOST: "0.0.0.0" is not a loopback address, and no API_KEYS/);
    expect(results[3].err).toMatch(/^crisis-ledger: cannot start: PORT: "http" is not a port number/);
  }, 60_000);

  it('with no keys, starts on loopback and warns loudly that it is open', async () => {
    const { out } = await run({}, /OPEN LOCAL MODE/);
    expect(out).toMatch(/WARN.*NO API_KEYS CONFIGURED: OPEN LOCAL MODE.*loopback only \(127\.0\.0\.1\)/);
  }, 60_000);
});
