import { logger, REPO_ROOT, setting } from '@marketplace/runtime';
import express, { type Express } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The storefront (`web/`, built by `pnpm --filter web build`) served at `/` when its build exists,
 * so the app and `/graphql` share one origin and no CORS is needed. Files are served as built;
 * any other page a browser navigates to (an Accept of text/html, e.g. `/orders/…` on reload) gets
 * `index.html` and the app's router takes over. Nothing else is answered here: `/graphql`,
 * `/health` and `/metrics` keep their own handlers, whichever order they are mounted in.
 */
export function serveWeb(app: Express): void {
  const dist = resolve(REPO_ROOT, setting('WEB_DIST_DIR') ?? join('web', 'dist'));
  const index = join(dist, 'index.html');
  if (!existsSync(index)) return;
  // Vite fingerprints everything under assets/, so those may be cached for good; index.html may not.
  app.use('/assets', express.static(join(dist, 'assets'), { immutable: true, maxAge: '1y', fallthrough: false }));
  app.use(express.static(dist, { index: false }));
  app.get('/{*page}', (req, res, next) => {
    if (req.path.startsWith('/graphql') || !req.headers.accept?.includes('text/html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  logger.info({ dist }, 'serving the storefront at /');
}
