/**
 * Streams.Read: stream and `$all` reads, and (with subscription options) catch-up
 * subscriptions that turn live. Everything is pulled from the log by a cursor, written
 * one message at a time with grpc-js backpressure respected, so a slow consumer makes
 * the stand-in wait (never drop, never reorder, never buffer the log twice).
 */
import { randomUUID } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { Empty, streamIdentifier, streamName, streamsPb, timestampNow, uuidMessage } from './protocol';
import type { EventLog, StoredEvent } from './log';
import { filterFrom, type EventFilter } from './filters';

type ReadCall = grpc.ServerWritableStream<streamsPb.ReadReq, streamsPb.ReadResp>;
const { ReadResp } = streamsPb;
const BACKWARDS = streamsPb.ReadReq.Options.ReadDirection.BACKWARDS;

function readEvent(event: StoredEvent, structuredIds: boolean, withPosition: boolean): streamsPb.ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent();
  recorded.setId(uuidMessage(event.id, structuredIds));
  recorded.setStreamIdentifier(streamIdentifier(event.stream));
  recorded.setStreamRevision(event.revision.toString());
  recorded.setPreparePosition(event.position.toString());
  recorded.setCommitPosition(event.position.toString());
  const metadata = recorded.getMetadataMap();
  metadata.set('type', event.type);
  metadata.set('content-type', event.contentType);
  metadata.set('created', event.created.toString());
  recorded.setCustomMetadata(event.metadata);
  recorded.setData(event.data);
  const read = new ReadResp.ReadEvent();
  read.setEvent(recorded);
  if (withPosition) read.setCommitPosition(event.position.toString());
  else read.setNoPosition(new Empty());
  const resp = new ReadResp();
  resp.setEvent(read);
  return resp;
}

/** Open subscriptions, so the stand-in can drop them all at once. */
export class Subscriptions {
  private readonly open = new Set<Subscription>();
  add(subscription: Subscription) {
    this.open.add(subscription);
  }
  delete(subscription: Subscription) {
    this.open.delete(subscription);
  }
  dropAll(code: grpc.status, details: string) {
    for (const subscription of [...this.open]) subscription.drop(code, details);
  }
  get size() {
    return this.open.size;
  }
}

/** Writes one message, then waits for the transport to drain if grpc-js asks it to. */
async function write(call: ReadCall, message: streamsPb.ReadResp, isClosed: () => boolean): Promise<void> {
  if (call.write(message)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('cancelled', done);
      call.off('close', done);
      call.off('finish', done);
      resolve();
    };
    call.on('drain', done);
    call.on('cancelled', done);
    call.on('close', done);
    call.on('finish', done);
    if (isClosed()) done();
  });
}

export function readHandler(log: EventLog, subscriptions: Subscriptions) {
  return (call: ReadCall) => {
    const options = call.request.getOptions();
    if (!options) {
      call.emit('error', { code: status.INVALID_ARGUMENT, details: 'ReadReq without options' });
      return;
    }
    if (options.hasSubscription()) {
      new Subscription(log, subscriptions, call, options).start();
      return;
    }
    void read(log, call, options).catch((error: Error) => {
      call.emit('error', { code: status.INTERNAL, details: error.message });
    });
  };
}

async function read(log: EventLog, call: ReadCall, options: streamsPb.ReadReq.Options): Promise<void> {
  let cancelled = false;
  call.on('cancelled', () => (cancelled = true));
  const structuredIds = options.getUuidOption()?.hasStructured() ?? false;
  const backwards = options.getReadDirection() === BACKWARDS;
  const limit = options.hasCount() ? BigInt(options.getCount()) : BigInt(Number.MAX_SAFE_INTEGER);

  if (options.hasStream()) {
    const streamOptions = options.getStream()!;
    const name = streamName(streamOptions.getStreamIdentifier());
    const events = log.stream(name);
    if (!events || events.length === 0) {
      const notFound = new ReadResp.StreamNotFound();
      notFound.setStreamIdentifier(streamIdentifier(name));
      const resp = new ReadResp();
      resp.setStreamNotFound(notFound);
      call.write(resp);
      call.end();
      return;
    }
    let selected: StoredEvent[];
    if (streamOptions.hasRevision()) {
      const from = BigInt(streamOptions.getRevision());
      selected = backwards
        ? events.filter((e) => e.revision <= from).reverse()
        : events.filter((e) => e.revision >= from);
    } else if (streamOptions.hasEnd()) {
      selected = backwards ? [...events].reverse() : [];
    } else {
      selected = backwards ? [] : [...events];
    }
    let sent = 0n;
    for (const event of selected) {
      if (cancelled || sent >= limit) break;
      await write(call, readEvent(event, structuredIds, false), () => cancelled);
      sent += 1n;
    }
    if (!cancelled) call.end();
    return;
  }

  const allOptions = options.getAll()!;
  const filter = filterFrom(options);
  let indexes: { from: number; step: 1 | -1 };
  const all = log.all;
  if (allOptions.hasPosition()) {
    const at = BigInt(allOptions.getPosition()!.getCommitPosition());
    const firstAtOrAfter = firstIndexFrom(all, (e) => e.position >= at);
    // forwards includes the event at that position; backwards returns the events before it
    indexes = backwards ? { from: firstAtOrAfter - 1, step: -1 } : { from: firstAtOrAfter, step: 1 };
  } else if (allOptions.hasEnd()) {
    indexes = backwards ? { from: all.length - 1, step: -1 } : { from: all.length, step: 1 };
  } else {
    indexes = backwards ? { from: -1, step: -1 } : { from: 0, step: 1 };
  }
  const end = all.length; // a read sees the log as it was when it started
  let sent = 0n;
  for (let i = indexes.from; i >= 0 && i < end; i += indexes.step) {
    if (cancelled || sent >= limit) break;
    const event = all[i];
    if (filter && !filter.matches(event)) continue;
    await write(call, readEvent(event, structuredIds, true), () => cancelled);
    sent += 1n;
  }
  if (!cancelled) call.end();
}

function firstIndexFrom(events: readonly StoredEvent[], predicate: (event: StoredEvent) => boolean): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (predicate(events[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * A catch-up subscription: confirmation, then the events after the start point (exclusive),
 * then `caught_up` once the cursor reaches the head of the log, then live events as the log
 * grows. A filtered `$all` subscription also sends a checkpoint every `max × multiplier`
 * scanned events, matching or not.
 */
export class Subscription {
  readonly id = randomUUID();
  private closed = false;
  private pumping = false;
  private again = false;
  private caughtUp = false;
  private scanned = 0;
  /** Index into `$all` (for `$all`) or into the stream's events (the next revision). */
  private cursor = 0;
  private readonly stream: string | undefined;
  private readonly filter: EventFilter | undefined;
  private readonly structuredIds: boolean;
  private unlisten: () => void = () => undefined;

  constructor(
    private readonly log: EventLog,
    private readonly registry: Subscriptions,
    private readonly call: ReadCall,
    options: streamsPb.ReadReq.Options,
  ) {
    this.structuredIds = options.getUuidOption()?.hasStructured() ?? false;
    if (options.hasStream()) {
      const streamOptions = options.getStream()!;
      this.stream = streamName(streamOptions.getStreamIdentifier());
      const length = log.stream(this.stream)?.length ?? 0;
      if (streamOptions.hasRevision()) this.cursor = Number(BigInt(streamOptions.getRevision()) + 1n);
      else if (streamOptions.hasEnd()) this.cursor = length;
      else this.cursor = 0;
    } else {
      const allOptions = options.getAll()!;
      this.filter = filterFrom(options);
      if (allOptions.hasPosition()) {
        const at = BigInt(allOptions.getPosition()!.getCommitPosition());
        this.cursor = firstIndexFrom(log.all, (e) => e.position > at); // exclusive
      } else if (allOptions.hasEnd()) this.cursor = log.all.length;
      else this.cursor = 0;
    }
  }

  start() {
    this.registry.add(this);
    const stop = () => this.close();
    this.call.on('cancelled', stop);
    this.call.on('close', stop);
    this.call.on('error', stop);
    this.unlisten = this.log.onAppended(() => void this.pump());
    const confirmation = new ReadResp.SubscriptionConfirmation();
    confirmation.setSubscriptionId(this.id);
    const resp = new ReadResp();
    resp.setConfirmation(confirmation);
    this.call.write(resp);
    void this.pump();
  }

  /** Ends the call with a status, as a node restart or leader change does. */
  drop(code: grpc.status, details: string) {
    if (this.closed) return;
    this.close();
    this.call.emit('error', { code, details });
  }

  private close() {
    if (this.closed) return;
    this.closed = true;
    this.unlisten();
    this.registry.delete(this);
  }

  private source(): readonly StoredEvent[] {
    return this.stream === undefined ? this.log.all : (this.log.stream(this.stream) ?? []);
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        let last: StoredEvent | undefined;
        for (;;) {
          if (this.closed) return;
          const events = this.source();
          if (this.cursor >= events.length) break;
          const event = events[this.cursor++];
          last = event;
          this.scanned += 1;
          if (!this.filter || this.filter.matches(event)) {
            await write(this.call, readEvent(event, this.structuredIds, this.stream === undefined), () => this.closed);
          }
          if (this.filter && this.scanned % this.filter.checkpointEvery === 0 && !this.closed) {
            await write(this.call, this.checkpoint(event), () => this.closed);
          }
        }
        if (!this.caughtUp && !this.closed) {
          this.caughtUp = true;
          await write(this.call, this.caughtUpMessage(last), () => this.closed);
        }
      } while (this.again && !this.closed);
    } finally {
      this.pumping = false;
    }
  }

  private checkpoint(event: StoredEvent): streamsPb.ReadResp {
    const checkpoint = new ReadResp.Checkpoint();
    checkpoint.setCommitPosition(event.position.toString());
    checkpoint.setPreparePosition(event.position.toString());
    checkpoint.setTimestamp(timestampNow());
    const resp = new ReadResp();
    resp.setCheckpoint(checkpoint);
    return resp;
  }

  private caughtUpMessage(last: StoredEvent | undefined): streamsPb.ReadResp {
    const caughtUp = new ReadResp.CaughtUp();
    caughtUp.setTimestamp(timestampNow());
    const head = last ?? this.source()[this.cursor - 1];
    if (head && this.stream !== undefined) caughtUp.setStreamRevision(head.revision.toString());
    else if (head) {
      const position = new ReadResp.Position();
      position.setCommitPosition(head.position.toString());
      position.setPreparePosition(head.position.toString());
      caughtUp.setPosition(position);
    }
    const resp = new ReadResp();
    resp.setCaughtUp(caughtUp);
    return resp;
  }
}
