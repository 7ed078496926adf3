/**
 * Streams.Append (client stream: options, then proposed messages) and Streams.BatchAppend
 * (bidirectional: batches keyed by correlation id, the last one flagged is_final), both
 * atomic per request, answered the way KurrentDB encodes success and WrongExpectedVersion.
 */
import type * as grpc from '@grpc/grpc-js';
import { Metadata, status } from '@grpc/grpc-js';
import { Any, Empty, RpcCode, sharedPb, statusPb, streamIdentifier, streamName, streamsPb, uuidToString } from './protocol';
import type { AppendOutcome, EventLog, ExpectedState, ProposedEvent } from './log';

type Proposed = streamsPb.AppendReq.ProposedMessage | streamsPb.BatchAppendReq.ProposedMessage;

function proposedEvent(message: Proposed): ProposedEvent {
  const metadata = message.getMetadataMap();
  return {
    id: uuidToString(message.getId()),
    type: metadata.get('type') ?? '',
    contentType: metadata.get('content-type') ?? 'application/octet-stream',
    data: Buffer.from(message.getData_asU8()),
    metadata: Buffer.from(message.getCustomMetadata_asU8()),
  };
}

function appendExpected(options: streamsPb.AppendReq.Options): ExpectedState {
  if (options.hasRevision()) return { kind: 'revision', revision: BigInt(options.getRevision()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}

function batchExpected(options: streamsPb.BatchAppendReq.Options): ExpectedState {
  if (options.hasStreamPosition()) return { kind: 'revision', revision: BigInt(options.getStreamPosition()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}

/** Writes an expected state through a message's own four setters (each message spells them its own way). */
function setExpected(
  expected: ExpectedState,
  set: { any(e: Empty): unknown; noStream(e: Empty): unknown; exists(e: Empty): unknown; revision(r: string): unknown },
): void {
  if (expected.kind === 'any') set.any(new Empty());
  else if (expected.kind === 'no_stream') set.noStream(new Empty());
  else if (expected.kind === 'stream_exists') set.exists(new Empty());
  else set.revision(expected.revision.toString());
}

function appendResp(outcome: AppendOutcome, expected: ExpectedState): streamsPb.AppendResp {
  const resp = new streamsPb.AppendResp();
  if (outcome.ok) {
    const success = new streamsPb.AppendResp.Success();
    if (outcome.currentRevision === undefined) success.setNoStream(new Empty());
    else success.setCurrentRevision(outcome.currentRevision.toString());
    if (outcome.position === undefined) success.setNoPosition(new Empty());
    else {
      const position = new streamsPb.AppendResp.Position();
      position.setCommitPosition(outcome.position.toString());
      position.setPreparePosition(outcome.position.toString());
      success.setPosition(position);
    }
    resp.setSuccess(success);
    return resp;
  }
  const wrong = new streamsPb.AppendResp.WrongExpectedVersion();
  if (outcome.currentRevision === undefined) wrong.setCurrentNoStream(new Empty());
  else wrong.setCurrentRevision(outcome.currentRevision.toString());
  setExpected(expected, {
    any: (x) => wrong.setExpectedAny(x), noStream: (x) => wrong.setExpectedNoStream(x), exists: (x) => wrong.setExpectedStreamExists(x), revision: (x) => wrong.setExpectedRevision(x),
  });
  resp.setWrongExpectedVersion(wrong);
  return resp;
}

/** KurrentDB's default MaxAppendSize: the data and metadata of one append, in bytes. */
export const MAX_APPEND_SIZE = 1_048_576;

const appendSize = (proposed: ProposedEvent[]): number => proposed.reduce((n, e) => n + e.data.length + e.metadata.length, 0);

/** The Append RPC's answer to an append over the limit: an error whose metadata names it, as the server sends. */
function tooLargeForAppend(maxAppendSize: number): grpc.ServiceError {
  const metadata = new Metadata();
  metadata.set('exception', 'maximum-append-size-exceeded');
  metadata.set('maximum-append-size', String(maxAppendSize));
  return Object.assign(new Error('Maximum Append Size of ' + maxAppendSize + ' Exceeded.'), {
    code: status.INVALID_ARGUMENT, details: `Maximum Append Size of ${maxAppendSize} Exceeded.`, metadata,
  });
}

/** The BatchAppend answer to an append over the limit: a google.rpc.Status packing MaximumAppendSizeExceeded. */
function tooLargeForBatch(correlationId: sharedPb.UUID, stream: string, maxAppendSize: number): streamsPb.BatchAppendResp {
  const resp = new streamsPb.BatchAppendResp();
  resp.setCorrelationId(correlationId);
  resp.setStreamIdentifier(streamIdentifier(stream));
  const exceeded = new sharedPb.MaximumAppendSizeExceeded();
  exceeded.setMaxappendsize(maxAppendSize);
  const details = new Any();
  details.pack(exceeded.serializeBinary(), 'event_store.client.MaximumAppendSizeExceeded');
  const error = new statusPb.Status();
  error.setCode(RpcCode.INVALID_ARGUMENT);
  error.setMessage(`Maximum Append Size of ${maxAppendSize} Exceeded.`);
  error.setDetails(details);
  resp.setError(error);
  return resp;
}

export function appendHandler(log: EventLog, maxAppendSize = MAX_APPEND_SIZE) {
  return (call: grpc.ServerReadableStream<streamsPb.AppendReq, streamsPb.AppendResp>, callback: grpc.sendUnaryData<streamsPb.AppendResp>) => {
    let options: streamsPb.AppendReq.Options | undefined;
    const proposed: ProposedEvent[] = [];
    let failed = false;
    call.on('data', (req: streamsPb.AppendReq) => {
      if (req.hasOptions()) options = req.getOptions();
      else if (req.hasProposedMessage()) proposed.push(proposedEvent(req.getProposedMessage()!));
    });
    call.on('error', () => (failed = true));
    call.on('end', () => {
      if (failed) return;
      if (!options) return callback({ code: status.INVALID_ARGUMENT, details: 'AppendReq without options' });
      if (appendSize(proposed) > maxAppendSize) return callback(tooLargeForAppend(maxAppendSize));
      const expected = appendExpected(options);
      const outcome = log.append(streamName(options.getStreamIdentifier()), expected, proposed);
      callback(null, appendResp(outcome, expected));
    });
  };
}

interface PendingBatch {
  options: streamsPb.BatchAppendReq.Options;
  proposed: ProposedEvent[];
}

function batchResp(
  correlationId: sharedPb.UUID,
  options: streamsPb.BatchAppendReq.Options,
  outcome: AppendOutcome,
  expected: ExpectedState,
): streamsPb.BatchAppendResp {
  const resp = new streamsPb.BatchAppendResp();
  resp.setCorrelationId(correlationId);
  const stream = streamName(options.getStreamIdentifier());
  resp.setStreamIdentifier(streamIdentifier(stream));
  setExpected(expected, {
    any: (x) => resp.setAny(x), noStream: (x) => resp.setNoStream(x), exists: (x) => resp.setStreamExists(x), revision: (x) => resp.setStreamPosition(x),
  });
  if (outcome.ok) {
    const success = new streamsPb.BatchAppendResp.Success();
    if (outcome.currentRevision === undefined) success.setNoStream(new Empty());
    else success.setCurrentRevision(outcome.currentRevision.toString());
    if (outcome.position === undefined) success.setNoPosition(new Empty());
    else {
      const position = new sharedPb.AllStreamPosition();
      position.setCommitPosition(outcome.position.toString());
      position.setPreparePosition(outcome.position.toString());
      success.setPosition(position);
    }
    resp.setSuccess(success);
    return resp;
  }
  // KurrentDB answers a failed batch with a google.rpc.Status whose details pack the
  // shared event_store.client.WrongExpectedVersion message.
  const wrong = new sharedPb.WrongExpectedVersion();
  if (outcome.currentRevision === undefined) wrong.setCurrentNoStream(new Empty());
  else wrong.setCurrentStreamRevision(outcome.currentRevision.toString());
  setExpected(expected, {
    any: (x) => wrong.setExpectedAny(x), noStream: (x) => wrong.setExpectedNoStream(x), exists: (x) => wrong.setExpectedStreamExists(x), revision: (x) => wrong.setExpectedStreamPosition(x),
  });
  const details = new Any();
  details.pack(wrong.serializeBinary(), 'event_store.client.WrongExpectedVersion');
  const error = new statusPb.Status();
  error.setCode(RpcCode.FAILED_PRECONDITION);
  error.setMessage(`WrongExpectedVersion: stream ${stream}`);
  error.setDetails(details);
  resp.setError(error);
  return resp;
}

/** `served` is told of every append answered over the (long-lived) BatchAppend call. */
export function batchAppendHandler(log: EventLog, served: () => void = () => undefined, maxAppendSize = MAX_APPEND_SIZE) {
  return (call: grpc.ServerDuplexStream<streamsPb.BatchAppendReq, streamsPb.BatchAppendResp>) => {
    const pending = new Map<string, PendingBatch>();
    call.on('data', (req: streamsPb.BatchAppendReq) => {
      const correlationId = req.getCorrelationId()!;
      const key = uuidToString(correlationId);
      let batch = pending.get(key);
      if (!batch) {
        const options = req.getOptions();
        if (!options) {
          call.emit('error', { code: status.INVALID_ARGUMENT, details: 'first BatchAppendReq of a correlation id without options' });
          return;
        }
        batch = { options, proposed: [] };
        pending.set(key, batch);
      }
      for (const message of req.getProposedMessagesList()) batch.proposed.push(proposedEvent(message));
      if (!req.getIsFinal()) return;
      pending.delete(key);
      if (appendSize(batch.proposed) > maxAppendSize) {
        served();
        call.write(tooLargeForBatch(correlationId, streamName(batch.options.getStreamIdentifier()), maxAppendSize));
        return;
      }
      const expected = batchExpected(batch.options);
      const outcome = log.append(streamName(batch.options.getStreamIdentifier()), expected, batch.proposed);
      served();
      call.write(batchResp(correlationId, batch.options, outcome, expected));
    });
    call.on('end', () => call.end());
    call.on('error', () => pending.clear());
  };
}
