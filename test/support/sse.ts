// A Server-Sent Events client for the specs, on fetch streaming: it records every message and comment
// as it arrives, can send Last-Event-ID, and can stop reading (a stalled client) or disconnect.
import http from 'node:http';

export interface SseMessage {
  id: string | null;
  event: string;
  data: string;
}

export class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  status = 0;
  ended = false;
  private buffer = '';
  private waiters: Array<() => void> = [];
  private readonly controller = new AbortController();

  private constructor(readonly url: string) {}

  static async open(url: string, lastEventId?: string): Promise<SseClient> {
    const client = new SseClient(url);
    const res = await fetch(url, { headers: lastEventId === undefined ? {} : { 'Last-Event-ID': lastEventId }, signal: client.controller.signal });
    client.status = res.status;
    if (!res.body) throw new Error('no body');
    void client.read(res.body.getReader());
    return client;
  }

  /** Waits until `count` messages have arrived (or the stream ended); fails after `ms`. */
  async waitFor(count: number, ms = 5000): Promise<SseMessage[]> {
    const deadline = Date.now() + ms;
    while (this.messages.length < count && !this.ended) {
      if (Date.now() > deadline) throw new Error(`${this.url}: ${this.messages.length} of ${count} messages after ${ms} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.messages.slice(0, count);
  }

  /** Waits for the stream to end (the server closed it). */
  async waitForEnd(ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error(`${this.url}: still open after ${ms} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  get lastId(): string | undefined {
    return [...this.messages].reverse().find((m) => m.id !== null)?.id ?? undefined;
  }

  close(): void {
    this.controller.abort();
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.buffer += decoder.decode(value, { stream: true });
        this.parse();
      }
    } catch {
      // aborted
    }
    this.ended = true;
    this.wake();
  }

  private parse(): void {
    for (let end = this.buffer.indexOf('\n\n'); end >= 0; end = this.buffer.indexOf('\n\n')) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let id: string | null = null;
      let event = 'message';
      const data: string[] = [];
      let isMessage = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else if (line.startsWith('id: ')) [id, isMessage] = [line.slice(4), true];
        else if (line.startsWith('event: ')) [event, isMessage] = [line.slice(7), true];
        else if (line.startsWith('data: ')) [isMessage] = [true, data.push(line.slice(6))];
      }
      if (isMessage) this.messages.push({ id, event, data: data.join('\n') });
    }
    this.wake();
  }

  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}

/** A client that connects and never reads: its socket's buffers fill up and the server's queue grows. */
export function stalledClient(url: string): Promise<{ res: http.IncomingMessage; readAll: () => Promise<string>; destroy: () => void }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => {
      res.pause();
      resolve({
        res,
        readAll: () =>
          new Promise((done) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
            res.on('close', () => done(Buffer.concat(chunks).toString('utf8')));
            res.resume();
          }),
        destroy: () => req.destroy(),
      });
    });
    req.on('error', reject);
  });
}
