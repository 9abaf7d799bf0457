/**
 * The storefront's build (web/dist), which the gateway serves at `/`. `pnpm start` and the browser
 * tests build it when it is missing or older than its sources (Vite only, about two seconds;
 * `pnpm --filter web build` also typechecks).
 */
import { logger, REPO_ROOT } from '@marketplace/runtime';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const WEB_DIR = join(REPO_ROOT, 'web');

function newestFile(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestFile(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function buildWebIfStale(): void {
  const index = join(WEB_DIR, 'dist', 'index.html');
  const sources = Math.max(newestFile(join(WEB_DIR, 'src')), statSync(join(WEB_DIR, 'index.html')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs > sources) return;
  logger.info('building the storefront (web/dist)');
  execFileSync(process.execPath, [join(WEB_DIR, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: WEB_DIR, stdio: 'inherit' });
}
