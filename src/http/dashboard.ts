import { NestExpressApplication } from '@nestjs/platform-express';
import type { Response } from 'express';
import { join } from 'node:path';

/**
 * The reference dashboard: the static page in the repository's `public/` folder, served at `/`.
 * The same path resolves from `dist/http/` (built) and from `src/http/` (ts-jest), so `npm run build`
 * plus `public/` is all a deployment needs; nothing is copied into `dist`.
 */
export const DASHBOARD_DIR = join(__dirname, '..', '..', 'public');

/**
 * Serves the dashboard with express's static files (no new dependency). Every answer is revalidated
 * (`Cache-Control: no-cache` with an ETag and Last-Modified), so a new version of the page is picked
 * up at once while an unchanged one costs a 304. Paths that are not files in `public/` fall through
 * to the API's routes untouched.
 */
export function serveDashboard(app: NestExpressApplication): void {
  app.useStaticAssets(DASHBOARD_DIR, {
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
