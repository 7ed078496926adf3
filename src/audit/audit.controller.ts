import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InvalidInput, NotFound } from '../core/errors';
import { EventStore, RecordedEvent } from '../core/event-store/event-store';
import { EVENT_STORE } from '../core/event-store/event-store.token';
import { Answers, NotModified } from '../http/api-responses';
import { KeyBody, SignedHeadsBody, StreamEventsQuery, StreamPageBody, VerifyBody } from './audit.responses';
import { walkChains, VerifyReport } from './chain-walk';
import { Heads, SignedHeads, Streams } from './heads';
import { Role } from '../access/role.decorator';

/** A whole number written as one (an empty value is not 0); NaN otherwise. */
const integerOf = (value: string): number => (/^-?\d+$/.test(value) ? Number(value) : NaN);

/** Every stream readable from outside, so that each chain can be walked (docs/hash-chain.md). */
@ApiTags('audit')
// API.md lists the streams under Reading: walking a chain from outside is a reader's right.
@Role('reader')
@Controller()
export class StreamsController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, private readonly streams: Streams) {}

  @Get('streams/:stream/events')
  @ApiOperation({ summary: "A stream's stored events (sources, incidents or incident-<id>) by revision, exactly as hashed plus hash and position" })
  @ApiQuery({ name: 'after', required: false, description: 'a revision; events after it' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 1000, default 100' })
  @ApiOkResponse({ type: StreamPageBody })
  @NotModified()
  @Answers(400, [404, 'Unknown stream: not sources, incidents or incident-<id> of a registered incident'], 500)
  async events(@Param('stream') stream: string, @Query() query: StreamEventsQuery): Promise<{ events: unknown[]; next: number | null }> {
    const errors = [];
    const after = query.after === undefined ? -1 : integerOf(query.after);
    const limit = query.limit === undefined ? 100 : integerOf(query.limit);
    if (!Number.isSafeInteger(after) || after < -1) errors.push({ field: 'after', message: 'after must be a revision (an integer, -1 or more)' });
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) errors.push({ field: 'limit', message: 'limit must be an integer from 1 to 1000' });
    if (errors.length > 0) throw new InvalidInput(errors);
    if (!(await this.streams.has(stream))) throw new NotFound(`No stream ${stream}: the streams are sources, incidents and incident-<id> of each registered incident`);
    // One more than asked tells whether there is a next page.
    const page = await this.store.readStream(stream, { ...(after >= 0 ? { after } : {}), limit: limit + 1 });
    const more = page.length > limit;
    const events = page.slice(0, limit);
    return { events: events.map(asStored), next: more ? events[events.length - 1].revision : null };
  }
}

/** The stored event as it was hashed (never upcast), with the store's hash and position. */
const asStored = (e: RecordedEvent): Record<string, unknown> => ({ ...e.event, hash: e.hash, position: e.position });

@ApiTags('audit')
@Role('auditor')
@Controller('audit')
export class AuditController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, private readonly heads: Heads) {}

  @Get('verify')
  @ApiOperation({ summary: "Walks every stream's hash chain over the whole log and names each event where it does not hold" })
  @ApiOkResponse({ type: VerifyBody })
  @NotModified()
  @Answers(400, 500)
  verify(): Promise<VerifyReport> {
    return walkChains(this.store);
  }

  @Get('heads')
  @ApiOperation({ summary: "Each stream's head at one log position, signed with the server's Ed25519 key (GET /audit/key)" })
  @ApiOkResponse({ type: SignedHeadsBody })
  @NotModified()
  @Answers(400, 500)
  signedHeads(): Promise<SignedHeads> {
    return this.heads.signed();
  }

  @Get('key')
  @ApiOperation({ summary: 'The public key that signs the heads' })
  @ApiOkResponse({ type: KeyBody })
  @NotModified()
  @Answers(400, 500)
  key(): KeyBody {
    return { algorithm: 'Ed25519', publicKey: this.heads.publicKeyPem() };
  }
}
