/**
 * A KurrentDB v1 gRPC **protocol stand-in, not KurrentDB**: an in-process grpc-js server
 * built from the protocol definitions the official client ships, serving the parts of the
 * protocol the KurrentDB adapter uses, over a real TCP socket on 127.0.0.1.
 * See README.md in this folder for what it reproduces and what it does not.
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { ServerFeaturesService, StreamsService } from './protocol';
import { EventLog } from './log';
import { readHandler, Subscriptions } from './read';
import { appendHandler, batchAppendHandler } from './append';
import { supportedMethodsHandler } from './server-features';

export interface ProtocolStandIn {
  /** kurrentdb://127.0.0.1:<port>?tls=false */
  url: string;
  /** Ends every open subscription (Read calls in subscription mode) with gRPC status UNAVAILABLE, as a node restart or leader change would. */
  dropSubscriptions(): void;
  /** Writes a system event ($-prefixed stream, like `$stats-127.0.0.1:2113`), as a real node does now and then. */
  writeSystemEvent(): void;
  /**
   * How many of each RPC it has served, by method name (e.g. { BatchAppend: 3, Read: 10 }) — so tests can prove which path the client took.
   * The client keeps one BatchAppend call open for all its appends, so `BatchAppend` counts the appends served over it
   * (one per correlation id), not the calls; every other method counts calls.
   */
  calls: Record<string, number>;
  /**
   * Rewrites the stored data of one event in place, as someone with access to a node's files
   * could (tests of what auditors catch); nothing else of the event changes.
   */
  rewrite(stream: string, revision: number, change: (data: Buffer) => Buffer): void;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/** Counts every call by its RPC method name before handing it to the handler. */
function counted<H extends (...args: never[]) => void>(calls: Record<string, number>, method: string, handler: H): H {
  return ((...args: never[]) => {
    calls[method] = (calls[method] ?? 0) + 1;
    handler(...args);
  }) as H;
}

export async function startProtocolStandIn(options: { batchAppend?: boolean; maxAppendSize?: number } = {}): Promise<ProtocolStandIn> {
  const batchAppend = options.batchAppend ?? true;
  const log = new EventLog();
  const subscriptions = new Subscriptions();
  const calls: Record<string, number> = {};
  let port = 0;
  const nodeName = () => `${HOST}:${port}`;

  const writeSystemEvent = () => {
    const data = Buffer.from(JSON.stringify({ proc: { id: process.pid }, 'sys-freeMem': 1 << 30, timestamp: new Date().toISOString() }));
    log.append(`$stats-${nodeName()}`, { kind: 'any' }, [
      { id: randomUUID(), type: '$statsCollected', contentType: 'application/json', data, metadata: Buffer.alloc(0) },
    ]);
  };

  const server = new grpc.Server();
  const streams: grpc.UntypedServiceImplementation = {
    read: counted(calls, 'Read', readHandler(log, subscriptions)),
    append: counted(calls, 'Append', appendHandler(log, options.maxAppendSize)),
  };
  if (batchAppend) streams.batchAppend = batchAppendHandler(log, () => (calls.BatchAppend = (calls.BatchAppend ?? 0) + 1), options.maxAppendSize);
  server.addService(StreamsService, streams);
  server.addService(ServerFeaturesService, {
    getSupportedMethods: counted(calls, 'GetSupportedMethods', supportedMethodsHandler({ batchAppend })),
  });

  port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${HOST}:0`, grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );

  // A fresh node already has system records in its log: filters have something to skip.
  log.append('$scavenges', { kind: 'any' }, [
    { id: randomUUID(), type: '$scavengeIndexInitialized', contentType: 'application/json', data: Buffer.from('{}'), metadata: Buffer.alloc(0) },
  ]);
  writeSystemEvent();
  writeSystemEvent();

  return {
    url: `kurrentdb://${HOST}:${port}?tls=false`,
    dropSubscriptions: () => subscriptions.dropAll(grpc.status.UNAVAILABLE, 'protocol stand-in: subscriptions dropped (as on a node restart or leader change)'),
    writeSystemEvent,
    calls,
    rewrite: (stream, revision, change) => {
      const event = log.stream(stream)?.find((e) => e.revision === BigInt(revision));
      if (!event) throw new Error(`protocol stand-in: no event at ${stream}@${revision}`);
      (event as { data: Uint8Array }).data = change(Buffer.from(event.data));
    },
    close: () =>
      new Promise<void>((resolve) => {
        subscriptions.dropAll(grpc.status.UNAVAILABLE, 'protocol stand-in: server closing');
        server.tryShutdown(() => resolve());
        // Calls the client never ends (e.g. its BatchAppend stream) would keep tryShutdown waiting.
        setTimeout(() => server.forceShutdown(), 200).unref();
      }),
  };
}
