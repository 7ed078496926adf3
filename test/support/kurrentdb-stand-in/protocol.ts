/**
 * The KurrentDB v1 gRPC protocol, exactly as the official client ships it: service
 * definitions (`*_grpc_pb`) and google-protobuf message classes (`*_pb`). Nothing here
 * is hand-written protocol; this file only gathers the generated modules and the few
 * conversions (UUIDs, stream names, ticks) every other part of the stand-in needs.
 */
import * as streamsPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_pb';
import * as sharedPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/shared_pb';
import * as statusPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/status_pb';
import * as featuresPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_pb';
import { StreamsService } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_grpc_pb';
import { ServerFeaturesService } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_grpc_pb';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty } from 'google-protobuf/google/protobuf/empty_pb';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';

export { streamsPb, sharedPb, statusPb, featuresPb, StreamsService, ServerFeaturesService, Any, Empty, Timestamp };

/** google.rpc.Code values the stand-in answers with (code.proto). */
export const RpcCode = { INVALID_ARGUMENT: 3, FAILED_PRECONDITION: 9 } as const;

const U64 = (1n << 64n) - 1n;

/** Reads a UUID in either format the protocol allows (string, or structured 2×int64). */
export function uuidToString(uuid: sharedPb.UUID | undefined): string {
  if (!uuid) throw new Error('missing UUID');
  if (uuid.hasStructured()) {
    const s = uuid.getStructured()!;
    const ms = (BigInt(s.getMostSignificantBits()) & U64).toString(16).padStart(16, '0');
    const ls = (BigInt(s.getLeastSignificantBits()) & U64).toString(16).padStart(16, '0');
    return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-${ms.slice(12)}-${ls.slice(0, 4)}-${ls.slice(4)}`;
  }
  return uuid.getString().toLowerCase();
}

/** Writes a UUID in the format the reader asked for (ReadReq.Options.UUIDOption). */
export function uuidMessage(id: string, structured: boolean): sharedPb.UUID {
  const uuid = new sharedPb.UUID();
  if (!structured) {
    uuid.setString(id);
    return uuid;
  }
  const hex = id.replace(/-/g, '');
  const signed = (h: string) => BigInt.asIntN(64, BigInt(`0x${h}`)).toString(10);
  const s = new sharedPb.UUID.Structured();
  s.setMostSignificantBits(signed(hex.slice(0, 16)));
  s.setLeastSignificantBits(signed(hex.slice(16)));
  uuid.setStructured(s);
  return uuid;
}

export function streamName(identifier: sharedPb.StreamIdentifier | undefined): string {
  if (!identifier) throw new Error('missing stream identifier');
  return Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
}

export function streamIdentifier(name: string): sharedPb.StreamIdentifier {
  const identifier = new sharedPb.StreamIdentifier();
  identifier.setStreamName(Buffer.from(name, 'utf8'));
  return identifier;
}

/** .NET ticks (100 ns units) since the Unix epoch, as KurrentDB sends `created`. */
export function ticksNow(): bigint {
  return BigInt(Date.now()) * 10_000n;
}

export function timestampNow(): Timestamp {
  return Timestamp.fromDate(new Date());
}
