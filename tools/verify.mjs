#!/usr/bin/env node
// A standalone verifier of a crisis-ledger log (Node 20+, built-ins only). docs/hash-chain.md says what it checks.
//   node tools/verify.mjs http://host                           every chain, and the signed heads
//   node tools/verify.mjs http://host --heads saved-heads.json   the same, and that nothing before the saved heads changed
//   node tools/verify.mjs --bundle proof.json --key key.pem      a proof bundle, offline (or --key-url http://host/audit/key)
// Exit code 0 when everything holds; 1 naming each break (stream and revision); 2 for a usage error.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';

const ZEROS = '0'.repeat(64);

// RFC 8785 (JCS): literals, numbers and strings as ECMAScript's JSON.stringify writes them (sections
// 3.2.2.1-3.2.2.3); members sorted by their names' UTF-16 code units (3.2.3, what comparing JS strings does); no whitespace.
function jcs(v) {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`RFC 8785 has no ${v}`);
    return JSON.stringify(v);
  }
  if (Array.isArray(v)) return `[${v.map(jcs).join(',')}]`;
  if (typeof v === 'object') {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((k) => `${JSON.stringify(k)}:${jcs(v[k])}`).join(',')}}`;
  }
  throw new TypeError(`RFC 8785 has no ${typeof v}`);
}

const sha256 = (text) => createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');

const breaks = [];
const broken = (stream, revision, reason) => breaks.push({ stream, revision, reason });

/** The heads object's Ed25519 signature over the JCS form of the object without `signature`. */
function signatureHolds(heads, publicKeyPem) {
  const { signature, ...signed } = heads;
  if (typeof signature !== 'string') return false;
  try {
    return verify(null, Buffer.from(jcs(signed), 'utf8'), createPublicKey(publicKeyPem), Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** One event against the one before it in its stream: returns the reasons it does not hold. */
function check(event, hash, revision, prev) {
  const reasons = [];
  if (sha256(jcs(event)) !== hash) reasons.push('its SHA-256 is not its hash');
  if (event.revision !== revision) reasons.push(`revision ${event.revision} where ${revision} was expected`);
  if (event.prevHash !== prev) reasons.push(revision === 0 ? 'prevHash of revision 0 is not 64 zeros' : `prevHash is not the hash of revision ${revision - 1}`);
  return reasons;
}

async function get(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${(await res.text()).slice(0, 200)}`);
  return res.json();
}

/** Walks one stream through GET /streams/:stream/events; returns each revision's hash that `wanted` asks for, and the last head. */
async function walk(base, stream, wanted) {
  const hashes = new Map();
  let revision = 0, prev = ZEROS, after = null;
  for (;;) {
    let page;
    try {
      page = await get(`${base}/streams/${encodeURIComponent(stream)}/events?limit=1000${after === null ? '' : `&after=${after}`}`);
    } catch (error) {
      broken(stream, revision, `cannot read the stream from here on: ${error.message}`);
      break;
    }
    for (const served of page.events) {
      const { hash, position, ...event } = served;
      for (const reason of check(event, hash, revision, prev)) broken(stream, served.revision ?? revision, reason);
      if (wanted.has(served.revision)) hashes.set(served.revision, hash);
      prev = hash;
      revision = (Number.isInteger(served.revision) ? served.revision : revision) + 1;
    }
    if (page.next === null) break;
    after = page.next;
  }
  return { hashes, last: revision - 1 };
}

/** Every saved head must still be in its chain with the same hash: nothing before it rewritten or cut off. */
function compareHeads(label, heads, walked) {
  for (const h of heads.streams) {
    const w = walked.get(h.stream);
    if (!w || w.last < h.revision) broken(h.stream, h.revision, `${label}: the stream now ends at revision ${w ? w.last : 'none'}: cut off`);
    else if (w.hashes.get(h.revision) !== h.hash) broken(h.stream, h.revision, `${label}: the hash at this revision is not the one in the heads: rewritten`);
  }
}

async function server(base, savedFile) {
  const saved = savedFile ? JSON.parse(readFileSync(savedFile, 'utf8')) : null;
  const { publicKey } = await get(`${base}/audit/key`);
  const heads = await get(`${base}/audit/heads`);
  if (!signatureHolds(heads, publicKey)) broken('(heads)', null, "the server's heads signature does not verify with /audit/key");
  if (saved && typeof saved.signature === 'string' && !signatureHolds(saved, publicKey)) broken('(saved heads)', null, 'the saved heads signature does not verify with /audit/key');
  const { incidents } = await get(`${base}/incidents`);
  const streams = ['sources', 'incidents', ...incidents.map((i) => `incident-${i.id}`)];
  for (const h of [...heads.streams, ...(saved?.streams ?? [])]) if (!streams.includes(h.stream)) streams.push(h.stream);
  const walked = new Map();
  let events = 0;
  for (const stream of streams) {
    const wanted = new Set([...heads.streams, ...(saved?.streams ?? [])].filter((h) => h.stream === stream).map((h) => h.revision));
    const w = await walk(base, stream, wanted);
    walked.set(stream, w);
    events += w.last + 1;
  }
  compareHeads('signed heads', heads, walked);
  if (saved) compareHeads(`saved heads (${savedFile})`, saved, walked);
  return `${events} events in ${streams.length} streams`;
}

async function bundle(file, keyPem) {
  const proof = JSON.parse(readFileSync(file, 'utf8'));
  if (!signatureHolds(proof.heads, keyPem)) broken('(heads)', null, 'the signature of the heads does not verify with the given key');
  const chains = new Map(proof.chains.map((c) => [c.stream, c]));
  for (const c of proof.chains) {
    let prev = null;
    c.links.forEach((link, i) => {
      const revision = c.from + i;
      let event;
      try { event = JSON.parse(link.raw); } catch { return broken(c.stream, revision, 'the raw bytes are not JSON'); }
      if (jcs(event) !== link.raw) broken(c.stream, revision, 'the raw bytes are not RFC 8785 canonical JSON');
      for (const reason of check(event, link.hash, revision, prev ?? (revision === 0 ? ZEROS : event.prevHash))) broken(c.stream, revision, reason);
      if (sha256(link.raw) !== link.hash) broken(c.stream, revision, 'the SHA-256 of the raw bytes is not the hash');
      if (link.revision !== revision) broken(c.stream, revision, `the link says revision ${link.revision}`);
      prev = link.hash;
    });
    const head = proof.heads.streams.find((h) => h.stream === c.stream);
    const last = c.links.at(-1);
    if (!head || !last || head.revision !== c.from + c.links.length - 1 || head.hash !== last.hash) broken(c.stream, head?.revision ?? null, 'the chain does not end at the signed head');
  }
  for (const e of proof.events) {
    const c = chains.get(e.stream);
    const link = c?.links[e.revision - c.from];
    if (sha256(e.raw) !== e.hash) broken(e.stream, e.revision, `event ${e.id}: the SHA-256 of its raw bytes is not its hash`);
    if (!link || link.raw !== e.raw || link.hash !== e.hash || link.position !== e.position || link.revision !== e.revision) broken(e.stream, e.revision, `event ${e.id} is not in the chain under the signed head`);
    else if (JSON.parse(e.raw).id !== e.id) broken(e.stream, e.revision, `event ${e.id}: its raw bytes are another event's`);
  }
  return `${proof.events.length} events under the heads signed at ${proof.heads.signedAt}`;
}

async function main(argv) {
  const option = (name) => { const i = argv.indexOf(name); return i < 0 ? undefined : argv[i + 1]; };
  const usage = 'usage: verify.mjs <server url> [--heads saved.json] | --bundle proof.json (--key key.pem | --key-url url)';
  let summary;
  if (option('--bundle')) {
    const keyFile = option('--key'), keyUrl = option('--key-url');
    if (!keyFile && !keyUrl) return console.error(usage), 2;
    const keyPem = keyFile ? readFileSync(keyFile, 'utf8') : (await get(keyUrl)).publicKey;
    summary = await bundle(option('--bundle'), keyPem);
  } else {
    const base = argv.find((a) => /^https?:\/\//.test(a));
    if (!base) return console.error(usage), 2;
    summary = await server(base.replace(/\/+$/, ''), option('--heads'));
  }
  for (const b of breaks) console.log(`BROKEN stream ${b.stream} revision ${b.revision ?? '-'}: ${b.reason}`);
  console.log(breaks.length === 0 ? `ok: ${summary}` : `FAILED: ${breaks.length} breaks (${summary})`);
  return breaks.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error) => {
  console.error(`verify: ${error.message}`);
  process.exit(1);
});
