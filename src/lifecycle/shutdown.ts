import { INestApplication, Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { EventStore } from '../core/event-store/event-store';
import { EVENT_STORE } from '../core/event-store/event-store.token';
import { Projector } from '../core/projections/projector';
import { LiveEvents } from '../live/live-events';
import { LiveViews } from '../live/live-views';
import { closeLingering } from '../live/sse-channel';

/** SHUTDOWN_TIMEOUT_MS: how long a stop may take before the process gives up and exits 1. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

export function shutdownTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.SHUTDOWN_TIMEOUT_MS?.trim();
  if (!text) return DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) throw new Error(`SHUTDOWN_TIMEOUT_MS: "${text}" is not a whole number of milliseconds, 1 or more`);
  return n;
}

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * How the server stops on SIGTERM or SIGINT, in this order:
 *
 * 1. it stops accepting connections (the listening socket is closed) and idle keep-alive connections
 *    are closed; a request that arrives on a connection still open is answered with `Connection: close`;
 * 2. every live (SSE) stream ends with `event: shutdown` (its last id, to resume from);
 * 3. the requests in flight are finished and answered (an append in flight is stored and acknowledged);
 * 4. Nest's shutdown hooks run: the projector saves its checkpoint (a restart folds nothing), the
 *    projection store and the log are closed;
 * 5. the process exits 0, with one log line giving the checkpoint saved.
 *
 * Past SHUTDOWN_TIMEOUT_MS (default 10 s) it exits 1, saying what it was still waiting for. A second
 * signal during the stop is ignored (the timeout bounds it).
 */
export function installShutdown(app: INestApplication, options: { timeoutMs?: number; exit?: (code: number) => void } = {}): void {
  let timeoutMs: number;
  try {
    timeoutMs = options.timeoutMs ?? shutdownTimeoutMs();
  } catch (error) {
    // A configuration error stops the start with one line, as main.ts does for the others.
    process.stderr.write(`crisis-ledger: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const logger = new Logger('Shutdown');
  takeSignalsFromNest(app);
  const traffic = trackTraffic(app.getHttpServer() as Server);

  let stopping: Promise<void> | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again: already stopping`);
      return;
    }
    stopping = stop(app, traffic, signal, timeoutMs, logger).then(
      (code) => exit(code),
      (error: unknown) => {
        logger.error(`Stopping failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        exit(1);
      },
    );
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

/**
 * Nest's own handler (from enableShutdownHooks, which setUpHttp calls before this) would run the hooks
 * at once, while requests are in flight, then kill the process with the signal again (exit 143): this
 * module handles SIGTERM and SIGINT instead; Nest keeps the other signals. The application Nest hands
 * out is a proxy that wraps every function it reads, so Nest's listener is read through its descriptor.
 */
function takeSignalsFromNest(app: INestApplication): void {
  const cleanup = Object.getOwnPropertyDescriptor(app, 'shutdownCleanupRef')?.value as ((...args: unknown[]) => void) | undefined;
  if (cleanup) for (const signal of SIGNALS) process.removeListener(signal, cleanup);
}

async function stop(app: INestApplication, traffic: Traffic, signal: NodeJS.Signals, timeoutMs: number, logger: Logger): Promise<number> {
  const started = Date.now();
  let waitingFor = 'the HTTP server to stop accepting';
  const timedOut = new Promise<number>((resolve) => {
    setTimeout(() => {
      logger.error(`Stopping took longer than SHUTDOWN_TIMEOUT_MS (${timeoutMs} ms); exiting with 1 while still waiting for ${waitingFor}`);
      resolve(1);
    }, timeoutMs).unref();
  });
  const stopping = (async (): Promise<number> => {
    logger.log(`${signal}: stopping (no new connections; finishing the requests in flight; at most ${timeoutMs} ms)`);
    const server = app.getHttpServer() as Server;
    const inFlight = traffic;
    inFlight.stopping();
    const closed = new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    server.closeIdleConnections();

    waitingFor = 'the live streams to take their last message';
    const views = optional(app, LiveViews);
    const events = optional(app, LiveEvents);
    const endStreams = () => {
      views?.closeAll();
      events?.closeAll();
    };
    endStreams();
    await closeLingering(1000);

    // Requests in flight are answered; each connection closes once its answer is written.
    const poll = setInterval(() => {
      endStreams();
      server.closeIdleConnections();
      waitingFor = `${inFlight.count()} request(s) in flight${inFlight.count() > 0 ? ` (${inFlight.describe()})` : ''} and ${inFlight.connections()} open connection(s)`;
    }, 25);
    try {
      waitingFor = `${inFlight.count()} request(s) in flight and ${inFlight.connections()} open connection(s)`;
      await closed;
    } finally {
      clearInterval(poll);
    }

    // The projector follows the log asynchronously: the last appends may not be folded yet. Closing it
    // now would save an older checkpoint, and the next start would fold them again.
    const projector = optional(app, Projector);
    const store = optional<EventStore>(app, EVENT_STORE);
    if (projector && store && !projector.failure) {
      const head = await store.headPosition();
      waitingFor = `the projector to fold up to the log's head (at ${projector.position()} of ${head})`;
      // Leaves time to save and close: a projector far behind saves where it got, and the next start folds the rest.
      const budget = timeoutMs - (Date.now() - started) - Math.min(2000, timeoutMs / 4);
      await projector.waitFor(head, Math.max(1, budget)).catch(() => {
        logger.warn(`The projections are at position ${projector.position()} of ${head}: saved there; the next start folds the rest`);
      });
    }

    waitingFor = 'the shutdown hooks (the projector saving its checkpoint, the stores closing)';
    await app.close();
    const saved = projector ? ` at position ${projector.position()} (folded ${projector.folded} event(s) since start)` : '';
    logger.log(`Stopped cleanly in ${Date.now() - started} ms: projections saved${saved}`);
    return 0;
  })();
  return Promise.race([stopping, timedOut]);
}

const optional = <T>(app: INestApplication, token: (abstract new (...args: never[]) => T) | string | symbol): T | undefined => {
  try {
    return app.get(token as never, { strict: false }) as T;
  } catch {
    return undefined;
  }
};

interface Traffic {
  /** From now on every answer says `Connection: close`. */
  stopping(): void;
  count(): number;
  connections(): number;
  describe(): string;
}

/** Counts the requests not yet answered and the open connections, from the start. */
function trackTraffic(server: Server): Traffic {
  const pending = new Map<{ method?: string; url?: string }, { headersSent: boolean; setHeader(name: string, value: string): unknown }>();
  const sockets = new Set<Socket>();
  let stopping = false;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (req, res) => {
    if (stopping && !res.headersSent) res.setHeader('Connection', 'close');
    pending.set(req, res);
    res.once('close', () => pending.delete(req));
  });
  return {
    stopping: () => {
      stopping = true;
      // The answers still to come close their connection too.
      for (const res of pending.values()) if (!res.headersSent) res.setHeader('Connection', 'close');
    },
    count: () => pending.size,
    connections: () => sockets.size,
    describe: () => [...pending.keys()].slice(0, 5).map((r) => `${r.method} ${r.url}`).join(', '),
  };
}
