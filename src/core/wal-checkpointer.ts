import { Worker } from 'node:worker_threads';

// A SQLite database in WAL mode copies its log back into the database file (a checkpoint) from
// whichever connection commits past `wal_autocheckpoint` pages; with synchronous=FULL that copy ends
// in an fsync, and a commit that triggers it waits tens to hundreds of milliseconds. Here a worker
// thread with its own connection checkpoints (PASSIVE: never blocking a writer or a reader) every
// `intervalMs`, off the event loop, and the writer's own threshold is raised to a backstop. The worker
// starts once a megabyte has been written.

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
let closing = false;
const tick = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or gone: the next tick tries again */ } };
const timer = setInterval(() => { if (!closing) tick(); }, workerData.intervalMs);
parentPort.on('message', () => { closing = true; clearInterval(timer); db.close(); parentPort.close(); });
`;

/** Pages the writer lets the log grow to before it checkpoints by itself (about 64 MiB): only if the worker falls behind. */
export const BACKSTOP_PAGES = 16_384;

/** Bytes written before the worker starts: a small database (a test's, a new one) never needs it. */
const START_AFTER_BYTES = 1 << 20;

export class WalCheckpointer {
  private worker?: Worker;
  private written = 0;
  private closed = false;

  constructor(
    private readonly file: string,
    /** Sets the writer connection's own threshold, raised to the backstop once the worker runs. */
    private readonly setAutocheckpoint: (pages: number) => void,
    private readonly intervalMs = 500,
  ) {}

  /** Told after each write; starts the worker once enough has been written. */
  wrote(bytes: number): void {
    if (this.worker) return;
    this.written += bytes;
    if (this.written < START_AFTER_BYTES) return;
    this.worker = new Worker(WORKER, { eval: true, workerData: { file: this.file, intervalMs: this.intervalMs, driver: require.resolve('better-sqlite3') } });
    this.worker.unref();
    // A worker that fails for good leaves the writer's backstop to do the work: nothing is lost.
    this.worker.on('error', () => {
      if (!this.closed) this.setAutocheckpoint(1000);
    });
    this.setAutocheckpoint(BACKSTOP_PAGES);
  }

  /** Stops the worker and closes its connection. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('close');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    await worker.terminate();
  }
}
