import { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The reference dashboard: the static page in the repository's `public/` folder, served at `/`.
 * The same path resolves from `dist/http/` (built) and from `src/http/` (ts-jest), so `npm run build`
 * plus `public/` is all a deployment needs; nothing is copied into `dist`.
 */
export const DASHBOARD_DIR = join(__dirname, '..', '..', 'public');

/** Where express's static middleware is mounted; only the guard below sends requests there. */
const MOUNT = '/_dashboard';

/**
 * Serves the dashboard with express's static files through Nest's `useStaticAssets` (no new
 * dependency). Every answer is revalidated (`Cache-Control: no-cache` with an ETag and
 * Last-Modified), so a new version of the page is picked up at once while an unchanged one costs a
 * 304, and carries `X-Content-Type-Options: nosniff`.
 *
 * Static files mounted at `/` would look every API request up on disk before its route (a stat that
 * fails), which measurably slows every read; so the static middleware sits under a mount of its own,
 * and a guard sends it only `GET`/`HEAD` of `/` and of the files that are in `public/` at start-up.
 * Every other request goes on to the API untouched.
 */
export function serveDashboard(app: NestExpressApplication): void {
  let files: string[] = [];
  try {
    files = readdirSync(DASHBOARD_DIR, { withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
      .map((entry) => entry.name);
  } catch {
    return; // no public/ folder: no dashboard, the API as before
  }
  const paths = new Set(['/', ...files.map((name) => `/${name}`)]);
  app.use((req: Request, _res: Response, next: NextFunction) => {
    if ((req.method === 'GET' || req.method === 'HEAD') && paths.has(req.path)) req.url = MOUNT + req.url;
    next();
  });
  app.useStaticAssets(DASHBOARD_DIR, {
    prefix: MOUNT,
    index: 'index.html',
    etag: true,
    lastModified: true,
    dotfiles: 'ignore',
    redirect: false,
    fallthrough: true,
    setHeaders: (res: Response) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('X-Content-Type-Options', 'nosniff');
    },
  });
}
