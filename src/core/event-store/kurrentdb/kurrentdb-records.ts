import { jsonEvent, Position as ServerPosition, ResolvedEvent, START as SERVER_START } from '@kurrent/kurrentdb-client';
import { v5 as uuidv5 } from 'uuid';
import { canonical } from '../chain';
import { AppendIdentity, RecordedEvent } from '../event-store';
import { Position, START } from '../position';

// How the ledger's events are written to and read from KurrentDB (docs/kurrentdb.md):
// - the event's stored body (the canonical JSON that was hashed) is the KurrentDB event's JSON data;
//   read back, it is canonicalised again, which gives the same bytes (RFC 8785 is idempotent);
// - its append's identity, its place in it and its hash travel in the event's metadata;
// - its KurrentDB event id is a name-based UUID of stream and ledger id, so a resend carries the same id;
// - its log position is the server's commit position (each event is implicitly committed, so commit
//   and prepare positions are equal), refused beyond 2^53 rather than rounded.

/** What the ledger keeps in a KurrentDB event's metadata. */
export interface LedgerMetadata {
  append: AppendIdentity;
  hash: string;
}

const LEDGER_NAMESPACE = '0f6b1d32-5c84-4c55-9c4e-6f2f8d1c7a10';

/** The KurrentDB event id of a ledger event: the same for the same stream and id, whoever sends it. */
export const serverEventId = (stream: string, id: string): string => uuidv5(`${stream}\n${id}`, LEDGER_NAMESPACE);

/** The proposed KurrentDB event for a ledger event whose stored JSON is `json` (already canonical). */
export const proposedEvent = (stream: string, e: { id: string; type: string; json: string; hash: string }, append: AppendIdentity) =>
  jsonEvent({
    id: serverEventId(stream, e.id),
    type: e.type,
    data: JSON.parse(e.json) as Record<string, unknown>,
    metadata: { append, hash: e.hash } satisfies LedgerMetadata,
  });

/** The server's position of a KurrentDB event, whoever wrote it. */
export const serverPositionOf = (resolved: ResolvedEvent): Position | null =>
  resolved.event?.position ? positionOf(resolved.event.position.commit) : null;

/** The server's position of an event as the ledger writes it. */
export function positionOf(commit: bigint): Position {
  if (commit > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`KurrentDB position ${commit} is beyond 2^53: the ledger cannot carry it exactly`);
  return Number(commit);
}

/** Where a server read or subscription starts for "after `after`": the event at that position (reads include it). */
export const serverPosition = (after: Position): ServerPosition | typeof SERVER_START =>
  after === START ? SERVER_START : { commit: BigInt(after), prepare: BigInt(after) };

/**
 * What deciding appends needs of a stored event (its ledger id, revision and hash), without
 * canonicalising its body; null for anything the ledger did not write.
 */
export function indexEntryOf(resolved: ResolvedEvent): { id: string; revision: number; hash: string } | null {
  const e = resolved.event;
  if (!e || !e.isJson || typeof e.data !== 'object' || e.data === null) return null;
  const metadata = e.metadata as Partial<LedgerMetadata> | undefined;
  const id = (e.data as { id?: unknown }).id;
  if (!metadata?.append || typeof metadata.hash !== 'string' || typeof id !== 'string') return null;
  return { id, revision: Number(e.revision), hash: metadata.hash };
}

/** A KurrentDB event read back, as the port's RecordedEvent; null for anything the ledger did not write. */
export function recordedOf(resolved: ResolvedEvent): RecordedEvent | null {
  const e = resolved.event;
  if (!e || !e.isJson || typeof e.data !== 'object' || e.data === null) return null;
  const metadata = e.metadata as Partial<LedgerMetadata> | undefined;
  if (!metadata?.append || typeof metadata.hash !== 'string') return null;
  if (!e.position) {
    throw new Error(`KurrentDB sent ${e.streamId}@${e.revision} without its log position: the ledger needs KurrentDB, or EventStoreDB 22.10 or later`);
  }
  const json = canonical(e.data);
  const event = JSON.parse(json) as Record<string, unknown>;
  return {
    id: event.id as string,
    type: e.type,
    stream: e.streamId,
    revision: Number(e.revision),
    position: positionOf(e.position.commit),
    append: { id: String(metadata.append.id), index: Number(metadata.append.index), count: Number(metadata.append.count) },
    recordedAt: event.recordedAt as string,
    prevHash: event.prevHash as string,
    hash: metadata.hash,
    json,
    event,
  };
}
