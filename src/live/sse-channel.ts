import type { Request, Response } from 'express';
import type { Socket } from 'node:net';
import { formatPosition, parsePosition, Position } from '../core/event-store/position';
import { utf8 } from '../http/json-body';

/** One Server-Sent Events message, encoded once and written as is to every client that gets it. */
export interface SseMessage {
  position: Position;
  bytes: Buffer;
}

export const sseMessage = (event: string, position: Position, data: string): SseMessage => ({
  position,
  // JSON holds no raw line break, so the data is one line.
  bytes: utf8(`id: ${formatPosition(position)}\nevent: ${event}\ndata: ${data}\n\n`),
});

/** A final message with no id: a client that resumes does so from the last message it had. */
const closing = (event: string, data: object): Buffer => utf8(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

/** How long a let-go client has to read what was queued for it, its last message included. */
const CLOSING_GRACE_MS = 30_000;

/** Sockets of ended streams whose clients have not read everything yet. */
const lingering = new Set<Socket>();

/** At shutdown: gives the clients of ended streams up to `ms` to take their last message, then closes what is left. */
export async function closeLingering(ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  // Written out to the network is enough: the server closes idle connections itself.
  const waiting = () => [...lingering].some((socket) => !socket.destroyed && socket.writableLength > 0);
  while (waiting() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  for (const socket of lingering) socket.destroy();
  lingering.clear();
}

export interface ChannelOptions {
  heartbeatMs: number;
  /** Bytes a client may have waiting, written but not yet taken by it, before it is let go. */
  bufferBytes: number;
}

/** The position a reconnecting client had (the Last-Event-ID header, or `lastEventId` for clients that cannot set it); null when none or not a position. */
export const lastEventId = (req: Request): { given: boolean; position: Position | null } => {
  const header = req.header('last-event-id') ?? (typeof req.query.lastEventId === 'string' ? req.query.lastEventId : undefined);
  if (header === undefined || header.trim() === '') return { given: false, position: null };
  return { given: true, position: parsePosition(header.trim()) };
};

/**
 * One client's stream. Messages are written at once, or held (in order) while the client is being
 * caught up; a client that lets more than `bufferBytes` pile up is sent `overflow` and let go, so a
 * reader that stalls never slows the writers or the other clients.
 */
export class SseChannel {
  private held: SseMessage[] | null = null;
  private heldBytes = 0;
  private closed = false;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly onClose: Array<() => void> = [];
  /** The position of the last message written: what a resume would start from. */
  last: Position | null = null;

  constructor(private readonly res: Response, private readonly options: ChannelOptions) {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    // Closed when the stream ends: a connection that carried a stream (and may still hold an unread
    // backlog, see end) is never handed to another request.
    res.setHeader('Connection', 'close');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    res.write('retry: 1000\n\n');
    this.heartbeat = setInterval(() => this.comment('heartbeat'), options.heartbeatMs);
    this.heartbeat.unref();
    res.on('close', () => this.finish());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  whenClosed(listener: () => void): void {
    if (this.closed) listener();
    else this.onClose.push(listener);
  }

  /** Holds what is sent from now on until `release`, which first writes what the catch-up found. */
  hold(): void {
    this.held ??= [];
  }

  release(first: SseMessage[] = []): void {
    const held = this.held ?? [];
    this.held = null;
    this.heldBytes = 0;
    for (const message of first) this.send(message);
    // Live messages that arrived during the catch-up and are not already in it.
    const after = first.length > 0 ? first[first.length - 1].position : this.last;
    for (const message of held) if (after === null || message.position > after) this.send(message);
  }

  send(message: SseMessage): void {
    if (this.closed) return;
    if (this.held) {
      this.held.push(message);
      this.heldBytes += message.bytes.length;
      if (this.heldBytes > this.options.bufferBytes) this.overflow();
      return;
    }
    // The first message (a snapshot) always goes, however large; after it, a client with more than
    // the allowance waiting is let go.
    const queued = this.res.writableLength;
    if (this.last !== null && queued > 0 && queued + message.bytes.length > this.options.bufferBytes) {
      this.overflow();
      return;
    }
    this.res.write(message.bytes);
    this.last = message.position;
  }

  /** Writes a message of a catch-up now, ahead of the live messages being held. */
  sendNow(message: SseMessage): void {
    const held = this.held;
    this.held = null;
    this.send(message);
    if (!this.closed) this.held = held;
  }

  /** Resolves once what was written has been handed to the socket (for catch-ups that write a lot). */
  drained(): Promise<void> {
    if (this.closed || this.res.writableLength < this.options.bufferBytes / 2) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        resolve();
      };
      this.res.on('drain', done);
      this.whenClosed(done);
    });
  }

  /** Ends the stream with a last message saying why. */
  end(event: 'overflow' | 'shutdown' | 'error', data: object): void {
    if (this.closed) return;
    this.res.end(closing(event, { ...data, lastEventId: this.last === null ? null : formatPosition(this.last) }));
    this.finish();
    // What is queued (the backlog, then this last message) is left for the client to read; a client
    // that reads nothing at all would keep the socket for ever, so it goes after a grace period.
    const socket = this.res.socket;
    if (socket && !socket.destroyed) {
      lingering.add(socket);
      socket.once('close', () => lingering.delete(socket));
      setTimeout(() => socket.destroy(), CLOSING_GRACE_MS).unref();
    }
  }

  private overflow(): void {
    this.end('overflow', { reason: `More than ${this.options.bufferBytes} bytes waited for this client; reconnect with Last-Event-ID to resume` });
  }

  private comment(text: string): void {
    if (!this.closed) this.res.write(`: ${text}\n\n`);
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.held = null;
    for (const listener of this.onClose.splice(0)) listener();
  }
}
