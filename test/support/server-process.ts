// The real server as a child process (`node main.js` of a build of src/), for the specs that kill it
// (SIGKILL), stop it (SIGTERM) or fill its disk: what a deployment runs, not the in-process app.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
/** Builds are kept under node_modules/.cache (ignored by git): node finds the packages from there. */
const CACHE = join(ROOT, 'node_modules', '.cache', 'ledger-server-process');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.includes('.spec.') ? [path] : [];
  });
}

/**
 * Compiles src/ with tsc (tsconfig.build.json) into a cache keyed by the sources' content, once for
 * every spec that asks (a build in progress elsewhere is never disturbed: dist/ is left alone), and
 * returns the path of its main.js. Type errors do not stop the build: tsc still writes the JavaScript.
 */
export function buildServer(): string {
  const hash = createHash('sha256');
  for (const file of sources(join(ROOT, 'src')).sort()) hash.update(relative(ROOT, file)).update(readFileSync(file));
  hash.update(readFileSync(join(ROOT, 'tsconfig.json'))).update(readFileSync(join(ROOT, 'tsconfig.build.json')));
  const out = join(CACHE, hash.digest('hex').slice(0, 16));
  const main = join(out, 'main.js');
  if (existsSync(main)) return main;
  mkdirSync(CACHE, { recursive: true });
  // One build at a time (specs run in parallel workers): the others wait for it, then use it.
  const lock = `${out}.lock`;
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(main)) return main;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true }); // left by a killed run
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`Waited too long for the build in ${out}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (!existsSync(main)) build(out);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return main;
}

function build(out: string): void {
  const main = join(out, 'main.js');
  const building = `${out}.${process.pid}.tmp`;
  rmSync(building, { recursive: true, force: true });
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', building], { cwd: ROOT, stdio: 'pipe' });
  } catch (error) {
    // Written anyway (tsc emits on type errors); say so, and go on only if the entry point is there.
    const output = String((error as { stdout?: Buffer }).stdout ?? error);
    if (!existsSync(join(building, 'main.js'))) throw new Error(`Building the server failed:\n${output}`);
    process.stderr.write(`server-process: tsc reported type errors; the JavaScript it wrote is used:\n${output.slice(0, 2000)}\n`);
  }
  // Another spec may have finished the same build first: theirs is as good.
  if (!existsSync(main)) {
    try {
      renameSync(building, out);
    } catch {
      /* someone else's rename won */
    }
  }
  rmSync(building, { recursive: true, force: true });
  // Old builds: keep the cache small.
  for (const name of readdirSync(CACHE)) {
    const path = join(CACHE, name);
    if (path !== out && Date.now() - statSync(path).mtimeMs > 3600_000) rmSync(path, { recursive: true, force: true });
  }
}

/** A free TCP port on loopback (the server is then started on it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** What the process wrote (stdout and stderr together), the last 256 KiB. */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<Exit>;
  kill(signal: NodeJS.Signals): void;
}

export interface StartOptions {
  dataDir: string;
  env?: Record<string, string>;
  /** How long to wait for the answer of GET /health/ready (the store answers and the projections caught up). */
  readyWithinMs?: number;
}

/** Starts `node main.js` on a free loopback port, open mode, no data set; resolves once it is ready. */
export async function startServer(main: string, options: StartOptions): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: options.dataDir,
      DATASETS: 'none',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 512 * 1024) output = output.slice(-256 * 1024);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let exit: Exit | null = null;
  void exited.then((e) => (exit = e));
  const server: ServerProcess = {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir: options.dataDir,
    child,
    output: () => output,
    exited,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
  const deadline = Date.now() + (options.readyWithinMs ?? 30_000);
  for (;;) {
    if (exit) throw new Error(`The server exited (${JSON.stringify(exit)}) before it was ready:\n${output.slice(-4000)}`);
    try {
      const res = await fetch(`${server.url}/health/ready`);
      await res.arrayBuffer();
      if (res.status === 200) return server;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      server.kill('SIGKILL');
      throw new Error(`The server was not ready within ${options.readyWithinMs ?? 30_000} ms:\n${output.slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A JSON call that never throws for a status; throws only when no whole answer came (the connection failed). */
export async function request(base: string, method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<{ status: number; json: any; text: string }> {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/** A small seeded generator (mulberry32): the same seed, the same sizes, targets and moments. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
