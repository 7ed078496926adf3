import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { call, removeDir, Reply, RunningLedger, startLedger } from './support/ledger';

// Hostile traffic (README "Security"): a rate limit per key with 429 and Retry-After, helmet's headers,
// CORS only when configured, bodies over 1 MiB cut off at 1 MiB with 413 however they are sent, a
// bound on the live streams one client holds, and slow-loris clients cut off by the headers timeout.

jest.setTimeout(30_000);

const ADMIN = `admin-${randomUUID()}`;
const READER_ONE = `reader-one-${randomUUID()}`;
const READER_TWO = `reader-two-${randomUUID()}`;
const API_KEYS = `${ADMIN}:admin,${READER_ONE}:reader,${READER_TWO}:reader`;
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

const ledgers: RunningLedger[] = [];
async function start(env: Record<string, string>): Promise<RunningLedger> {
  const ledger = await startLedger({ env });
  ledgers.push(ledger);
  return ledger;
}
afterAll(async () => {
  for (const ledger of ledgers) {
    await ledger.stop();
    removeDir(ledger.dataDir);
  }
});

const expectErrorShape = (reply: Reply, status: number) => {
  expect(reply.status).toBe(status);
  expect(reply.json).toEqual(expect.objectContaining({ statusCode: status, error: expect.any(String), message: expect.any(String) }));
  expect(Object.keys(reply.json).every((k) => ['statusCode', 'error', 'message', 'details'].includes(k))).toBe(true);
};

/** The log's head position and event count, as an admin sees them. */
async function logHead(ledger: RunningLedger): Promise<string> {
  const heads = await ledger.call('GET', '/audit/heads', undefined, bearer(ADMIN));
  expect(heads.status).toBe(200);
  return JSON.stringify({ position: heads.json.position, streams: heads.json.streams });
}

/** One HTTP exchange over a raw socket: `send` writes the request its own way; resolves with what came back once the server closed. */
function raw(ledger: RunningLedger, send: (write: (chunk: string | Buffer) => boolean, socket: ReturnType<typeof connect>) => Promise<void> | void, timeoutMs = 15_000) {
  const { port } = new URL(ledger.url);
  return new Promise<{ text: string; ms: number; written: number }>((resolve, reject) => {
    const started = Date.now();
    const socket = connect(Number(port), '127.0.0.1');
    const received: Buffer[] = [];
    let written = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ text: Buffer.concat(received).toString('utf8'), ms: Date.now() - started, written });
    };
    const timer = setTimeout(() => {
      done = true;
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${timeoutMs} ms; got: ${Buffer.concat(received).toString('utf8').slice(0, 200)}`));
    }, timeoutMs);
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', () => {
      const write = (chunk: string | Buffer) => {
        if (socket.destroyed || done) return false;
        written += Buffer.byteLength(chunk);
        socket.write(chunk, () => undefined);
        return true;
      };
      void Promise.resolve(send(write, socket)).catch(() => undefined);
    });
  });
}

const statusOf = (text: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
const bodyOf = (text: string): any => {
  const at = text.indexOf('\r\n\r\n');
  const body = text.slice(at + 4);
  try {
    return JSON.parse(body);
  } catch {
    // chunked transfer coding: the JSON is the first chunk
    const lines = body.split('\r\n');
    return JSON.parse(lines[1]);
  }
};
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const TWO_MIB = 2 * 2 ** 20;
/** A JSON body of `size` bytes that would be a valid-looking event but for its size. */
const bigBody = (size: number) => {
  const head = `{"id":"${randomUUID()}","type":"CasualtiesReported","occurredAt":"2022-01-06","source":{"sourceId":"s"},"data":{"category":"killed","group":"civilians","figure":{"best":1},"note":"`;
  return head + 'x'.repeat(size - head.length - 4) + '"}}';
};

describe('rate limit per key (RATE_LIMIT_PER_MINUTE=5)', () => {
  let ledger: RunningLedger;
  beforeAll(async () => {
    ledger = await start({ API_KEYS, RATE_LIMIT_PER_MINUTE: '5' });
  });

  it('answers 429 with Retry-After and the error shape past the limit, and each key has its own budget', async () => {
    for (let i = 0; i < 5; i++) expect((await ledger.call('GET', '/incidents', undefined, bearer(READER_ONE))).status).toBe(200);
    const refused = await ledger.call('GET', '/incidents', undefined, bearer(READER_ONE));
    expectErrorShape(refused, 429);
    expect(refused.json.message).toMatch(/Rate limit exceeded: more than 5 requests in a minute/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    // Another route: the budget is the key's, not the route's.
    expectErrorShape(await ledger.call('GET', '/sources', undefined, bearer(READER_ONE)), 429);
    // Another key has its whole budget.
    for (let i = 0; i < 5; i++) expect((await ledger.call('GET', '/sources', undefined, bearer(READER_TWO))).status).toBe(200);
    expectErrorShape(await ledger.call('GET', '/sources', undefined, bearer(READER_TWO)), 429);
    // The admin too: keys do not share a budget.
    expect((await ledger.call('GET', '/incidents', undefined, bearer(ADMIN))).status).toBe(200);
  });

  it('declares 429 with Retry-After in the OpenAPI document on every route but the health probes', async () => {
    const doc = (await ledger.call('GET', '/docs-json')).json;
    for (const [path, operations] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(operations)) {
        if (op['x-required-role'] === 'none') expect([method, path, op.responses['429']]).toEqual([method, path, undefined]);
        else expect([method, path, op.responses['429']?.headers?.['Retry-After']?.required]).toEqual([method, path, true]);
      }
    }
  });

  it('never counts the health probes', async () => {
    for (let i = 0; i < 30; i++) {
      const reply = await ledger.call('GET', '/health');
      expect(reply.status).toBe(200);
      expect(reply.headers.get('retry-after')).toBeNull();
    }
  });

  it('counts requests without a key, or with a made-up one, against the IP: made-up keys buy no budget', async () => {
    const replies: number[] = [];
    for (let i = 0; i < 8; i++) replies.push((await ledger.call('GET', '/incidents', undefined, bearer(`made-up-${i}`))).status);
    expect(replies.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(replies.slice(5)).toEqual([429, 429, 429]);
    expectErrorShape(await ledger.call('GET', '/incidents'), 429);
  });

  it('sends no CORS headers when CORS_ORIGINS is not set', async () => {
    const reply = await ledger.call('GET', '/health', undefined, { origin: 'https://elsewhere.example' });
    expect(reply.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${ledger.url}/incidents`, { method: 'OPTIONS', headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'GET' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('a server with keys, CORS_ORIGINS and LIVE_MAX_PER_CLIENT=2 (and the default rate limit)', () => {
  let ledger: RunningLedger;
  const incidentId = `inc-${randomUUID().slice(0, 8)}`;
  beforeAll(async () => {
    ledger = await start({ API_KEYS, CORS_ORIGINS: 'https://dashboard.example.org, http://localhost:5173', LIVE_MAX_PER_CLIENT: '2' });
    expect((await ledger.call('POST', '/incidents', { id: incidentId, title: 'Unrest' }, bearer(ADMIN))).status).toBe(201);
  });

  it('does not limit ordinary use by default (6,000 a minute per key)', async () => {
    const replies = await Promise.all(Array.from({ length: 200 }, () => ledger.call('GET', `/incidents/${incidentId}`, undefined, bearer(READER_ONE))));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect(replies[0].headers.get('x-ratelimit-limit')).toBe('6000');
  });

  it('sends helmet\'s security headers, with a Content-Security-Policy the dashboard works under', async () => {
    for (const path of ['/', '/health', `/incidents/${incidentId}`, '/docs-json']) {
      const reply = await ledger.call('GET', path, undefined, bearer(READER_ONE));
      expect(reply.status).toBe(200);
      expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
      expect(reply.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(reply.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(reply.headers.get('referrer-policy')).toBe('no-referrer');
      expect(reply.headers.get('x-powered-by')).toBeNull();
      const csp = reply.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
    }
  });

  it('answers CORS for a configured origin (preflight included), and not for another', async () => {
    const allowed = await ledger.call('GET', `/incidents/${incidentId}`, undefined, { ...bearer(READER_ONE), origin: 'https://dashboard.example.org' });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://dashboard.example.org');
    expect(allowed.headers.get('access-control-expose-headers')).toContain('ETag');
    const preflight = await fetch(`${ledger.url}/incidents/${incidentId}/events`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,if-match' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const other = await ledger.call('GET', `/incidents/${incidentId}`, undefined, { ...bearer(READER_ONE), origin: 'https://evil.example' });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  describe('bodies over 1 MiB: 413, cut off at 1 MiB, nothing stored', () => {
    const path = () => `/incidents/${incidentId}/events`;
    const head = (extra: string) =>
      `POST ${path()} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${ADMIN}\r\nContent-Type: application/json\r\n${extra}\r\n`;

    it('with Content-Length (fetch): 413 before the body is read', async () => {
      const before = await logHead(ledger);
      const reply = await ledger.call('POST', path(), bigBody(TWO_MIB), bearer(ADMIN));
      expectErrorShape(reply, 413);
      expect(reply.json.message).toMatch(/1 MiB/);
      expect(await logHead(ledger)).toBe(before);
    });

    it('with Content-Length, over a raw socket', async () => {
      const before = await logHead(ledger);
      const body = bigBody(TWO_MIB);
      const answer = await raw(ledger, (write) => {
        write(head(`Content-Length: ${Buffer.byteLength(body)}\r\n`));
        write(body);
      });
      expect(statusOf(answer.text)).toBe(413);
      expect(bodyOf(answer.text)).toEqual(expect.objectContaining({ statusCode: 413, error: 'Payload Too Large' }));
      expect(await logHead(ledger)).toBe(before);
    });

    it('chunked, with no Content-Length: 413 once 1 MiB has arrived', async () => {
      const before = await logHead(ledger);
      const body = Buffer.from(bigBody(TWO_MIB));
      const answer = await raw(ledger, async (write) => {
        write(head('Transfer-Encoding: chunked\r\n'));
        for (let at = 0; at < body.length; at += 64 * 1024) {
          const piece = body.subarray(at, at + 64 * 1024);
          if (!write(Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]))) return;
          await pause(1);
        }
        write('0\r\n\r\n');
      });
      expect(statusOf(answer.text)).toBe(413);
      expect(bodyOf(answer.text)).toEqual(expect.objectContaining({ statusCode: 413 }));
      expect(await logHead(ledger)).toBe(before);
    });

    it('chunked through fetch (a streamed body)', async () => {
      const before = await logHead(ledger);
      const body = Buffer.from(bigBody(TWO_MIB));
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let at = 0; at < body.length; at += 256 * 1024) controller.enqueue(body.subarray(at, at + 256 * 1024));
          controller.close();
        },
      });
      const res = await fetch(ledger.url + path(), { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(ADMIN) }, body: stream, duplex: 'half' } as RequestInit);
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual(expect.objectContaining({ statusCode: 413, error: 'Payload Too Large' }));
      expect(await logHead(ledger)).toBe(before);
    });

    it('a client that never stops sending is answered 413 and cut off, its bytes not kept', async () => {
      const before = await logHead(ledger);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const framed = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
      const answer = await raw(ledger, async (write, socket) => {
        write(head('Transfer-Encoding: chunked\r\n'));
        write('1\r\n{\r\n');
        // Endless, as fast as the socket takes it.
        while (write(framed)) if (socket.writableLength > 1024 * 1024) await new Promise((resolve) => socket.once('drain', resolve));
      });
      expect(statusOf(answer.text)).toBe(413);
      // Closed after the grace (2 s, or 1 MiB more), with at most a few kernel buffers more sent.
      expect(answer.ms).toBeLessThan(5_000);
      expect(answer.written).toBeLessThan(64 * 2 ** 20);
      expect(await logHead(ledger)).toBe(before);
    });

    it('a Content-Length that lies (smaller than the body) reads only what it declared: 4xx, nothing stored, the rest is no request', async () => {
      const before = await logHead(ledger);
      const body = bigBody(TWO_MIB);
      const answer = await raw(ledger, (write) => {
        write(head('Content-Length: 1000\r\n'));
        write(body);
      });
      expect(statusOf(answer.text)).toBe(400);
      expect(await logHead(ledger)).toBe(before);
    });

    it('a body just under 1 MiB is read and judged (400 for its unknown field, not 413)', async () => {
      const reply = await ledger.call('POST', path(), bigBody(2 ** 20 - 100), bearer(ADMIN));
      expectErrorShape(reply, 400);
    });
  });

  describe('open live streams per client (LIVE_MAX_PER_CLIENT=2)', () => {
    const streams: AbortController[] = [];
    afterAll(() => streams.forEach((s) => s.abort()));
    const open = async (key: string | null, query = '') => {
      const controller = new AbortController();
      streams.push(controller);
      const res = await fetch(`${ledger.url}/incidents/${incidentId}/casualties/live${query}`, { headers: key === null ? {} : bearer(key), signal: controller.signal });
      return { res, controller };
    };

    it('answers 429 with a message saying why past the limit, while other keys are still served', async () => {
      const first = await open(READER_ONE);
      const second = await open(READER_ONE);
      expect([first.res.status, second.res.status]).toEqual([200, 200]);
      expect(first.res.headers.get('content-type')).toMatch(/text\/event-stream/);
      const third = await open(READER_ONE);
      expect(third.res.status).toBe(429);
      const body = await third.res.json();
      expect(body).toEqual(expect.objectContaining({ statusCode: 429, error: 'Too Many Requests' }));
      expect(body.message).toMatch(/Too many open live streams.*2.*LIVE_MAX_PER_CLIENT/);
      // Another key is served; the raw events stream counts too.
      const other = await open(READER_TWO);
      expect(other.res.status).toBe(200);
      // Ordinary requests of the first key are not refused.
      expect((await ledger.call('GET', `/incidents/${incidentId}/casualties`, undefined, bearer(READER_ONE))).status).toBe(200);
      // Closing one frees its place.
      first.controller.abort();
      let again = 0;
      for (let i = 0; i < 40 && again !== 200; i++) {
        await pause(50);
        const next = await open(READER_ONE);
        again = next.res.status;
        if (again !== 200) await next.res.text();
      }
      expect(again).toBe(200);
    });

    it('counts stream tokens against the IP', async () => {
      const issued = await ledger.call('POST', '/auth/stream-token', undefined, bearer(READER_TWO));
      expect(issued.status).toBe(200);
      const query = `?token=${encodeURIComponent(issued.json.token)}`;
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const { res } = await open(null, query);
        statuses.push(res.status);
        if (res.status !== 200) expect((await res.json()).statusCode).toBe(429);
      }
      expect(statuses).toEqual([200, 200, 429]);
    });
  });
});

describe('slow clients (HTTP_HEADERS_TIMEOUT_MS=600, HTTP_REQUEST_TIMEOUT_MS=1200)', () => {
  let ledger: RunningLedger;
  beforeAll(async () => {
    ledger = await start({ HTTP_HEADERS_TIMEOUT_MS: '600', HTTP_REQUEST_TIMEOUT_MS: '1200' });
  });

  it('cuts off a client that dribbles its headers (slow loris) with 408', async () => {
    const answer = await raw(ledger, async (write) => {
      write('GET /incidents HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      for (let i = 0; i < 100; i++) {
        await pause(100);
        if (!write(`X-Dribble-${i}: ${i}\r\n`)) return;
      }
    });
    expect(statusOf(answer.text)).toBe(408);
    expect(bodyOf(answer.text)).toEqual({ statusCode: 408, error: 'Request Timeout', message: expect.stringContaining('HTTP_HEADERS_TIMEOUT_MS') });
    expect(answer.ms).toBeGreaterThanOrEqual(550);
    expect(answer.ms).toBeLessThan(3_000);
  });

  it('answers what Node\'s HTTP parser refuses with the error body too: headers over 16 KiB (431), a malformed request (400), no Host (400)', async () => {
    const huge = await raw(ledger, (write) => void write(`GET /incidents HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`));
    expect(statusOf(huge.text)).toBe(431);
    expect(bodyOf(huge.text)).toEqual({ statusCode: 431, error: 'Request Header Fields Too Large', message: expect.any(String) });
    const malformed = await raw(ledger, (write) => void write('GET /incidents HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n'));
    expect(statusOf(malformed.text)).toBe(400);
    expect(bodyOf(malformed.text)).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
    const hostless = await raw(ledger, (write) => void write('GET /incidents HTTP/1.1\r\nConnection: close\r\n\r\n'));
    expect(statusOf(hostless.text)).toBe(400);
    expect(bodyOf(hostless.text)).toEqual(expect.objectContaining({ statusCode: 400, error: 'Bad Request', details: [{ field: 'Host', message: expect.any(String) }] }));
  });

  it('cuts off a client that dribbles its body', async () => {
    const answer = await raw(ledger, async (write) => {
      write('POST /incidents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n');
      for (let i = 0; i < 100; i++) {
        await pause(100);
        if (!write(' ')) return;
      }
    });
    expect(statusOf(answer.text)).toBe(408);
    expect(answer.ms).toBeLessThan(4_000);
  });

  it('in open local mode (no API_KEYS, loopback only) counts no client unless told to: no rate limit, 60 live streams from one IP', async () => {
    const incidentId = `inc-${randomUUID().slice(0, 8)}`;
    expect((await call(ledger.url, 'POST', '/incidents', { id: incidentId, title: 'Unrest' })).status).toBe(201);
    const reply = await call(ledger.url, 'GET', `/incidents/${incidentId}`);
    expect(reply.headers.get('x-ratelimit-limit')).toBeNull();
    const controllers = Array.from({ length: 60 }, () => new AbortController());
    const statuses = await Promise.all(controllers.map(async (c) => (await fetch(`${ledger.url}/incidents/${incidentId}/casualties/live`, { signal: c.signal })).status));
    controllers.forEach((c) => c.abort());
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it('never cuts a live stream: its request was whole once its headers were in', async () => {
    const incidentId = `inc-${randomUUID().slice(0, 8)}`;
    expect((await call(ledger.url, 'POST', '/incidents', { id: incidentId, title: 'Unrest' })).status).toBe(201);
    const controller = new AbortController();
    const res = await fetch(`${ledger.url}/incidents/${incidentId}/timeline/live`, { signal: controller.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return 'ended';
        text += Buffer.from(value!).toString('utf8');
      }
    })();
    const outcome = await Promise.race([reading, pause(2_500).then(() => 'open')]);
    expect(outcome).toBe('open');
    expect(text).toContain('event: snapshot');
    controller.abort();
  });
});
