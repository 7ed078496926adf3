import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { sign } from 'node:crypto';
import { LedgerConfig, LEDGER_CONFIG } from '../config';
import { canonical } from '../core/event-store/chain';
import { EventStore } from '../core/event-store/event-store';
import { EVENT_STORE } from '../core/event-store/event-store.token';
import { Position } from '../core/event-store/position';
import { incidentStream } from '../incidents/incident';
import { INCIDENTS_STREAM, Register, SOURCES_STREAM } from '../register/register';
import { loadSigningKey, SigningKey } from './signing-key';

export interface Head {
  stream: string;
  revision: number;
  hash: string;
}

/** GET /audit/heads: the signature is over the RFC 8785 canonical JSON of the object without `signature`. */
export interface SignedHeads {
  streams: Head[];
  position: Position;
  signedAt: string;
  signature: string;
}

/** The streams of the log: sources, incidents, then every registered incident's stream by id. */
@Injectable()
export class Streams {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, private readonly register: Register) {}

  /** Every stream the log has, once the registry holds every registration up to now. */
  async all(): Promise<string[]> {
    await this.register.waitFor(await this.store.headPosition());
    return [SOURCES_STREAM, INCIDENTS_STREAM, ...this.register.allIncidents().map((i) => incidentStream(i.id))];
  }

  /** Whether `stream` is one of the log's streams. */
  async has(stream: string): Promise<boolean> {
    if (stream === SOURCES_STREAM || stream === INCIDENTS_STREAM) return true;
    if (!stream.startsWith('incident-')) return false;
    await this.register.waitFor(await this.store.headPosition());
    return this.register.incident(stream.slice('incident-'.length)) !== undefined;
  }
}

/** The heads of every stream at one log position, signed with the server's Ed25519 key. */
@Injectable()
export class Heads {
  private readonly key: SigningKey;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly streams: Streams,
    config: ConfigService,
  ) {
    const { signingKey, dataDir } = config.getOrThrow<LedgerConfig>(LEDGER_CONFIG);
    this.key = loadSigningKey(signingKey, dataDir);
  }

  publicKeyPem(): string {
    return this.key.publicKeyPem;
  }

  /**
   * Each stream's last event at or before one log position (streams with no event yet are left out).
   * A head read after an append that came later is taken back to that position: the first event of
   * the stream after it names the hash before it as its prevHash.
   */
  async signed(): Promise<SignedHeads> {
    const position = await this.store.headPosition();
    const names = await this.streams.all();
    const heads = new Map<string, Head>();
    for (const stream of names) {
      const head = await this.store.streamHead(stream);
      if (head) heads.set(stream, { stream, revision: head.revision, hash: head.hash });
    }
    const laterSeen = new Set<string>();
    for (let after = position; ;) {
      const later = await this.store.readAll({ after, limit: 1000 });
      for (const e of later) {
        if (laterSeen.has(e.stream)) continue;
        laterSeen.add(e.stream);
        if (e.revision === 0) heads.delete(e.stream);
        else if (heads.has(e.stream)) heads.set(e.stream, { stream: e.stream, revision: e.revision - 1, hash: e.prevHash });
      }
      if (later.length < 1000) break;
      after = later[later.length - 1].position;
    }
    const unsigned = { streams: names.flatMap((n) => heads.get(n) ?? []), position, signedAt: new Date().toISOString() };
    return { ...unsigned, signature: this.sign(canonical(unsigned)) };
  }

  private sign(text: string): string {
    return sign(null, Buffer.from(text, 'utf8'), this.key.privateKey).toString('base64');
  }
}
