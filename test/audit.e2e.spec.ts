import { execFile } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Proofs } from '../src/audit/proofs';
import { freshIncident, killed } from './support/fixtures';
import { jcs, sha256Hex } from './support/jcs';
import { removeDir, RunningLedger, startLedger } from './support/ledger';

// The log as an auditor sees it from outside: every stream walked through GET /streams, the heads'
// signature, and an offline proof bundle checked by tools/verify.mjs. The oracles are the test's own
// (node:crypto and test/support/jcs.ts), never the server's chain code.

const ZEROS = '0'.repeat(64);
const ROOT = join(__dirname, '..');

/** tools/verify.mjs in a child process: its exit code and what it printed. */
export const runTool = (args: string[]): Promise<{ code: number; out: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'tools', 'verify.mjs'), ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, out: stdout + stderr });
    });
  });

/** Every event of a stream through GET /streams/:stream/events, `limit` per page. */
async function walkStream(ledger: RunningLedger, stream: string, limit: number): Promise<{ events: Record<string, any>[]; pages: number }> {
  const events: Record<string, any>[] = [];
  let after: number | null = null;
  let pages = 0;
  for (;;) {
    const res = await ledger.call('GET', `/streams/${stream}/events?limit=${limit}${after === null ? '' : `&after=${after}`}`);
    expect(res.status).toBe(200);
    pages += 1;
    events.push(...res.json.events);
    if (res.json.next === null) return { events, pages };
    after = res.json.next;
  }
}

/** The chain holds by the test's own reckoning: revisions 0..n-1, prevHash links, SHA-256 of the RFC 8785 form. */
function expectChain(events: Record<string, any>[]): void {
  let prev = ZEROS;
  events.forEach((served, i) => {
    const { hash, position, ...stored } = served;
    expect(stored.revision).toBe(i);
    expect(stored.prevHash).toBe(prev);
    expect(typeof position).toBe('number');
    expect(sha256Hex(jcs(stored))).toBe(hash);
    prev = hash;
  });
}

const withoutSignature = (heads: Record<string, unknown>) => {
  const { signature: _s, ...rest } = heads;
  return rest;
};

const signatureHolds = (heads: Record<string, unknown>, publicKeyPem: string): boolean =>
  verify(null, Buffer.from(jcs(withoutSignature(heads)), 'utf8'), createPublicKey(publicKeyPem), Buffer.from(String(heads.signature), 'base64'));

describe('the log verifiable from outside', () => {
  let ledger: RunningLedger;
  let incidentId: string;
  let otherIncident: string;
  const ids: string[] = [];

  beforeAll(async () => {
    ledger = await startLedger();
    let sourceId: string;
    ({ incidentId, sourceId } = await freshIncident(ledger));
    ({ incidentId: otherIncident } = await freshIncident(ledger));
    for (let i = 0; i < 4; i++) await freshIncident(ledger); // more sources and incidents than a page holds
    const batch = Array.from({ length: 7 }, (_, i) => killed(sourceId, 10 + i));
    ids.push(...batch.map((e) => e.id));
    expect((await ledger.call('POST', `/incidents/${incidentId}/events`, { events: batch })).status).toBe(201);
    expect((await ledger.call('POST', `/incidents/${otherIncident}/events`, killed(sourceId, 3))).status).toBe(201);
    expect((await ledger.call('POST', `/incidents/${incidentId}/events`, killed(sourceId, 30))).status).toBe(201);
  });

  afterAll(async () => {
    await ledger.stop();
    removeDir(ledger.dataDir);
  });

  describe('GET /streams/:stream/events', () => {
    it.each(['sources', 'incidents'])('walks the whole %s chain page by page', async (stream) => {
      const { events, pages } = await walkStream(ledger, stream, 2);
      expect(events).toHaveLength(6);
      expect(pages).toBe(3);
      expectChain(events);
      expect(events.map((e) => e.type)).toEqual(Array(6).fill(stream === 'sources' ? 'SourceRegistered' : 'IncidentRegistered'));
      // Positions increase along the chain.
      expect(events.map((e) => e.position)).toEqual([...events.map((e) => e.position)].sort((a, b) => a - b));
    });

    it("serves an incident's stream exactly as its raw events are hashed", async () => {
      const { events } = await walkStream(ledger, `incident-${incidentId}`, 3);
      expect(events).toHaveLength(8);
      expectChain(events);
      for (const served of events) {
        const raw = await ledger.call('GET', `/events/${served.id}?raw=true`);
        const { hash, position, ...stored } = served;
        expect(raw.text).toBe(jcs(stored));
        expect(raw.headers.get('x-event-hash')).toBe(hash);
        expect(Number(raw.headers.get('x-event-position'))).toBe(position);
      }
    });

    it('pages like an incident\'s events, and knows its streams', async () => {
      const page = await ledger.call('GET', `/streams/incident-${incidentId}/events?after=5&limit=1`);
      expect(page.json.events.map((e: any) => e.revision)).toEqual([6]);
      expect(page.json.next).toBe(6);
      expect((await ledger.call('GET', `/streams/incident-${incidentId}/events?after=7`)).json).toEqual({ events: [], next: null });
      expect((await ledger.call('GET', '/streams/incident-no-such-incident/events')).status).toBe(404);
      expect((await ledger.call('GET', '/streams/nothing/events')).status).toBe(404);
      expect((await ledger.call('GET', `/streams/incident-${incidentId}/events?limit=1001`)).status).toBe(400);
      expect((await ledger.call('GET', `/streams/incident-${incidentId}/events?limit=0`)).status).toBe(400);
      expect((await ledger.call('GET', `/streams/incident-${incidentId}/events?after=`)).status).toBe(400);
      expect((await ledger.call('GET', `/streams/incident-${incidentId}/events?after=-2`)).status).toBe(400);
      expect((await ledger.call('GET', `/streams/incident-${incidentId}/events?type=x`)).status).toBe(400);
    });
  });

  describe('GET /audit/verify', () => {
    it('finds every chain whole and counts every event of the log', async () => {
      const res = await ledger.call('GET', '/audit/verify');
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ ok: true, checked: 6 + 6 + 8 + 1, broken: [] });
    });
  });

  describe('GET /audit/heads and /audit/key', () => {
    it("signs every stream's head with the key /audit/key answers, and no other object", async () => {
      const { json: key } = await ledger.call('GET', '/audit/key');
      expect(key.algorithm).toBe('Ed25519');
      expect(createPublicKey(key.publicKey).asymmetricKeyType).toBe('ed25519');
      const { status, json: heads } = await ledger.call('GET', '/audit/heads');
      expect(status).toBe(200);
      expect(Object.keys(heads).sort()).toEqual(['position', 'signature', 'signedAt', 'streams']);
      // Each head is the last event of its stream as walked; the position is the log's last one.
      const incidentEvents = (await walkStream(ledger, `incident-${incidentId}`, 100)).events;
      const sources = (await walkStream(ledger, 'sources', 100)).events;
      const walked = await Promise.all(heads.streams.map(async (h: any) => (await walkStream(ledger, h.stream, 100)).events));
      expect(heads.position).toBe(Math.max(...walked.flat().map((e: any) => e.position)));
      expect(walked.flat()).toHaveLength(6 + 6 + 8 + 1);
      expect(heads.streams).toContainEqual({ stream: `incident-${incidentId}`, revision: 7, hash: incidentEvents[7].hash });
      expect(heads.streams).toContainEqual({ stream: 'sources', revision: 5, hash: sources[5].hash });
      expect(heads.streams.map((h: any) => h.stream).slice(0, 2)).toEqual(['sources', 'incidents']);
      expect(heads.streams).toHaveLength(4); // sources, incidents and the two incidents that have events

      expect(signatureHolds(heads, key.publicKey)).toBe(true);
      // One byte changed anywhere in the signed object, or in the signature, and it no longer verifies.
      const flip = (text: string) => text.slice(0, -1) + (text.endsWith('0') ? '1' : '0');
      expect(signatureHolds({ ...heads, position: heads.position - 1 }, key.publicKey)).toBe(false);
      expect(signatureHolds({ ...heads, signedAt: heads.signedAt.replace(/.Z$/, (m: string) => (m[0] === '0' ? '1Z' : '0Z')) }, key.publicKey)).toBe(false);
      expect(signatureHolds({ ...heads, streams: [{ ...heads.streams[0], hash: flip(heads.streams[0].hash) }, ...heads.streams.slice(1)] }, key.publicKey)).toBe(false);
      const signature = Buffer.from(heads.signature, 'base64');
      signature[10] ^= 1;
      expect(signatureHolds({ ...heads, signature: signature.toString('base64') }, key.publicKey)).toBe(false);
      // The same canonical bytes as the RFC 8785 rules say: keys sorted at every level, no whitespace.
      expect(jcs(withoutSignature(heads)).startsWith('{"position":')).toBe(true);
    });

    it('keeps its key in DATA_DIR (mode 0600), the same across restarts; SIGNING_KEY replaces it', async () => {
      const file = join(ledger.dataDir, 'signing-key.pem');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const kept = createPublicKey(createPrivateKey(readFileSync(file))).export({ type: 'spki', format: 'pem' });
      expect((await ledger.call('GET', '/audit/key')).json.publicKey).toBe(kept);

      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const der = privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
      for (const configured of [pem, der]) {
        const other = await startLedger({ env: { SIGNING_KEY: configured } });
        try {
          expect((await other.call('GET', '/audit/key')).json.publicKey).toBe(publicKey.export({ type: 'spki', format: 'pem' }));
          expect(signatureHolds((await other.call('GET', '/audit/heads')).json, publicKey.export({ type: 'spki', format: 'pem' }).toString())).toBe(true);
        } finally {
          await other.stop();
          removeDir(other.dataDir);
        }
      }
    });
  });

  describe('tools/verify.mjs against the server', () => {
    it('walks every chain and checks the signed heads', async () => {
      const { code, out } = await runTool([ledger.url]);
      expect(out).toMatch(/^ok: 21 events in 8 streams/m);
      expect(code).toBe(0);
    });
  });

  describe('a proof bundle (Proofs.bundle), checked offline', () => {
    let bundleFile: string;
    let keyFile: string;
    let text: string;

    beforeAll(async () => {
      const bundle = await ledger.app.get(Proofs).bundle([ids[2], ids[5].toUpperCase(), ids[2]]);
      text = JSON.stringify(bundle, null, 2);
      bundleFile = join(ledger.dataDir, 'proof.json');
      keyFile = join(ledger.dataDir, 'key.pem');
      writeFileSync(bundleFile, text);
      writeFileSync(keyFile, (await ledger.call('GET', '/audit/key')).json.publicKey);
    });

    it('holds by the test\'s own checks: raw bytes hash to their hashes, links chain up to the signed head', async () => {
      const bundle = JSON.parse(text);
      expect(bundle.events.map((e: any) => [e.id, e.stream, e.revision])).toEqual([
        [ids[2], `incident-${incidentId}`, 2],
        [ids[5], `incident-${incidentId}`, 5],
      ]);
      for (const e of bundle.events) {
        expect(sha256Hex(e.raw)).toBe(e.hash);
        expect(jcs(JSON.parse(e.raw))).toBe(e.raw);
      }
      expect(bundle.chains).toHaveLength(1);
      const [chain] = bundle.chains;
      expect(chain.links.map((l: any) => l.revision)).toEqual([2, 3, 4, 5, 6, 7]);
      chain.links.forEach((link: any, i: number) => {
        expect(sha256Hex(link.raw)).toBe(link.hash);
        if (i > 0) expect(JSON.parse(link.raw).prevHash).toBe(chain.links[i - 1].hash);
      });
      expect(bundle.heads.streams).toContainEqual({ stream: chain.stream, revision: 7, hash: chain.links[5].hash });
      expect(signatureHolds(bundle.heads, readFileSync(keyFile, 'utf8'))).toBe(true);
    });

    it('verifies with tools/verify.mjs, with the key from a file or from a URL', async () => {
      const fromFile = await runTool(['--bundle', bundleFile, '--key', keyFile]);
      expect(fromFile.out).toMatch(/^ok: 2 events under the heads signed at/m);
      expect(fromFile.code).toBe(0);
      const fromUrl = await runTool(['--bundle', bundleFile, '--key-url', `${ledger.url}/audit/key`]);
      expect(fromUrl.code).toBe(0);
    });

    it('fails when one byte of it changes, wherever it is', async () => {
      // Single-byte changes: in an event's raw bytes, in a link's raw bytes, in a hash, in the heads, in the signature.
      const bundle = JSON.parse(text);
      /** The first letter or digit at or after where `needle` is found, `offset` further on (never the letter of an escape). */
      const at = (needle: string, offset = 0) => {
        let i = text.indexOf(needle);
        if (i < 0) throw new Error(`not in the bundle: ${needle}`);
        for (i += offset; !/[0-9A-Za-z]/.test(text[i]) || text[i - 1] === '\\'; i++);
        return i;
      };
      const link3 = bundle.chains[0].links[1];
      const positions = [
        at(JSON.stringify(bundle.events[0].raw).slice(0, 60), 20), // inside the first event's raw bytes
        at(`"raw": ${JSON.stringify(link3.raw).slice(0, 60)}`, 30), // inside a link's raw bytes
        at(`"hash": "${link3.hash}"`, 12), // a link's hash
        at(`"hash": "${bundle.events[1].hash}"`, 40), // an event's hash
        at(`"signature": "${bundle.heads.signature}"`, 20), // the signature
        at(`"signedAt": "${bundle.heads.signedAt}"`, 16), // the signed time
        at(`"hash": "${bundle.heads.streams[0].hash}"`, 15), // a signed head
        at(`"revision": ${bundle.events[1].revision}`, 11), // an event's revision
        at(`"position": ${bundle.events[1].position}`, 11), // an event's position, which must agree with its link's
        at(`"from": ${bundle.chains[0].from}`, 7), // where the chain starts
      ];
      for (const position of positions) {
        const original = text[position];
        const changed = text.slice(0, position) + (original === '1' ? '2' : original === 'A' ? 'B' : /[0-9]/.test(original) ? '1' : original === 'a' ? 'b' : 'a') + text.slice(position + 1);
        expect(changed).not.toBe(text);
        const file = join(ledger.dataDir, `proof-${position}.json`);
        writeFileSync(file, changed);
        const { code, out } = await runTool(['--bundle', file, '--key', keyFile]);
        expect({ position, code }).toEqual({ position, code: 1 });
        expect(out).toMatch(/BROKEN stream/);
      }
    }, 60_000);

    it('fails with another key', async () => {
      const other = join(ledger.dataDir, 'other.pem');
      writeFileSync(other, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
      const { code, out } = await runTool(['--bundle', bundleFile, '--key', other]);
      expect(code).toBe(1);
      expect(out).toMatch(/signature/);
    });
  });
});
