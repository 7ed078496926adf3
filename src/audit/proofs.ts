import { Inject, Injectable } from '@nestjs/common';
import { NotFound } from '../core/errors';
import { canonicalId } from '../core/events';
import { EventStore, RecordedEvent } from '../core/event-store/event-store';
import { EVENT_STORE } from '../core/event-store/event-store.token';
import { Position } from '../core/event-store/position';
import { Projector } from '../core/projections/projector';
import { Heads, SignedHeads } from './heads';

/** One stored event exactly as hashed: `raw` is the canonical JSON whose SHA-256 is `hash`. */
export interface ProvenEvent {
  id: string;
  stream: string;
  revision: number;
  position: Position;
  hash: string;
  raw: string;
}

/** A stream's chain from `from` (the lowest revision of the bundle's events in it) up to its signed head, every event in between. */
export interface ChainLinks {
  stream: string;
  from: number;
  /** In revision order; the last one is the signed head of the stream. */
  links: Array<{ revision: number; position: Position; hash: string; raw: string }>;
}

/** Everything an auditor needs, offline, to check that these events are in the log under a signed head (docs/hash-chain.md). */
export interface ProofBundle {
  format: 'crisis-ledger-proof/1';
  events: ProvenEvent[];
  chains: ChainLinks[];
  heads: SignedHeads;
}

const PAGE = 1000;

/** Offline proofs that events are in the log: their raw bytes, their chains up to a signed head, and the head's signature. */
@Injectable()
export class Proofs {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projector: Projector,
    private readonly heads: Heads,
  ) {}

  /** NotFound when an id is not in the log. */
  async bundle(eventIds: string[]): Promise<ProofBundle> {
    await this.projector.waitFor(await this.store.headPosition());
    const events: ProvenEvent[] = [];
    const seen = new Set<string>();
    for (const requested of eventIds) {
      const id = canonicalId(requested);
      if (seen.has(id)) continue;
      seen.add(id);
      const e = await this.read(requested);
      events.push({ id: e.id, stream: e.stream, revision: e.revision, position: e.position, hash: e.hash, raw: e.json });
    }
    // Signed after the events were found: every one of them is at or before the heads' position.
    const heads = await this.heads.signed();
    const lowest = new Map<string, number>();
    for (const e of events) lowest.set(e.stream, Math.min(lowest.get(e.stream) ?? e.revision, e.revision));
    const chains: ChainLinks[] = [];
    for (const [stream, from] of [...lowest].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const head = heads.streams.find((h) => h.stream === stream);
      if (!head) throw new Error(`Stream ${stream} has no signed head, yet holds events`);
      const links: ChainLinks['links'] = [];
      for (let after = from - 1; after < head.revision;) {
        const page = await this.store.readStream(stream, { ...(after >= 0 ? { after } : {}), limit: Math.min(PAGE, head.revision - after) });
        if (page.length === 0) break;
        for (const e of page) links.push({ revision: e.revision, position: e.position, hash: e.hash, raw: e.json });
        after = page[page.length - 1].revision;
      }
      chains.push({ stream, from, links });
    }
    return { format: 'crisis-ledger-proof/1', events, chains, heads };
  }

  private async read(id: string): Promise<RecordedEvent> {
    const location = this.projector.locate(canonicalId(id));
    if (!location) throw new NotFound(`No event ${id}`);
    const [stored] = await this.store.readStream(location.stream, { ...(location.revision > 0 ? { after: location.revision - 1 } : {}), limit: 1 });
    if (!stored || canonicalId(stored.id) !== canonicalId(location.id)) {
      throw new Error(`The index of ids points ${location.id} at ${location.stream}#${location.revision}, which holds another event`);
    }
    return stored;
  }
}
