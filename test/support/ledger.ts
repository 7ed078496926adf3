import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppModule } from '../../src/app.module';
import { setUpHttp } from '../../src/http/http.setup';
import { ProtocolStandIn, startProtocolStandIn } from './kurrentdb-stand-in/stand-in';

/** A real server, listening on a loopback port, on the embedded store in a temporary directory. */
export interface RunningLedger {
  url: string;
  dataDir: string;
  app: NestExpressApplication;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  stop(): Promise<void>;
}

export interface Reply {
  status: number;
  headers: Headers;
  json: any;
  text: string;
}

export const tempDataDir = (): string => mkdtempSync(join(tmpdir(), 'ledger-e2e-'));

/**
 * LEDGER_STORE=kurrentdb-stand-in (the `e2e-stand-in` jest project, test/support/on-stand-in.ts):
 * every ledger a spec starts keeps its log on its own KurrentDB protocol stand-in (an in-process gRPC
 * server built from the client's protocol definitions, NOT KurrentDB), one per data directory, so a
 * ledger started again on the same directory finds its log there.
 */
export const onStandIn = (): boolean => process.env.LEDGER_STORE === 'kurrentdb-stand-in';
const standIns = new Map<string, Promise<ProtocolStandIn>>();
/** Ledgers running on each stand-in: a stand-in closes only once its ledgers have stopped. */
const running = new Map<string, number>();
let closing = false;

async function storeEnv(dataDir: string): Promise<Record<string, string>> {
  if (!onStandIn()) return {};
  if (!standIns.has(dataDir)) standIns.set(dataDir, startProtocolStandIn());
  return { KURRENTDB_URL: (await standIns.get(dataDir)!).url };
}

/**
 * For specs that edit the embedded store's own file (events.db) as someone with disk access would:
 * they have no counterpart on the stand-in, so its run lists them as skipped (they run in `e2e`).
 */
export const describeOnEmbeddedFile: jest.Describe = onStandIn() ? describe.skip : describe;

/** The stand-in holding the log of a ledger started on `dataDir` (on-stand-in runs only). */
export const standInOf = (dataDir: string): Promise<ProtocolStandIn> | undefined => standIns.get(dataDir);

async function closeStandIn(dataDir: string): Promise<void> {
  const standIn = standIns.get(dataDir);
  standIns.delete(dataDir);
  if (standIn) await (await standIn).close();
}

/** Closes every stand-in whose ledgers have stopped; the others close when their last ledger stops. */
export async function closeStandIns(): Promise<void> {
  closing = true;
  await Promise.all([...standIns.keys()].filter((d) => !running.get(d)).map(closeStandIn));
}

export async function startLedger(options: { dataDir?: string; datasets?: string; env?: Record<string, string> } = {}): Promise<RunningLedger> {
  const dataDir = options.dataDir ?? tempDataDir();
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({ DATA_DIR: dataDir, DATASETS: options.datasets ?? 'none', PORT: '0', HOST: '127.0.0.1', ...(await storeEnv(dataDir)), ...options.env }),
    { logger: ['error'] },
  );
  setUpHttp(app);
  await app.listen(0, '127.0.0.1');
  running.set(dataDir, (running.get(dataDir) ?? 0) + 1);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    dataDir,
    app,
    call: (method, path, body, headers = {}) => call(url, method, path, body, headers),
    stop: async () => {
      await app.close();
      running.set(dataDir, (running.get(dataDir) ?? 1) - 1);
      if (closing && !running.get(dataDir)) await closeStandIn(dataDir);
    },
  };
}

export async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

export const removeDir = (dir: string): void => rmSync(dir, { recursive: true, force: true });

/** Starts one ledger for a spec file (beforeAll) and stops it and removes its data (afterAll). */
export function useLedger(options: { datasets?: string } = {}): () => RunningLedger {
  let ledger: RunningLedger;
  beforeAll(async () => {
    ledger = await startLedger(options);
  });
  afterAll(async () => {
    await ledger.stop();
    removeDir(ledger.dataDir);
  });
  return () => ledger;
}
