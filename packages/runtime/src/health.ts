import type { Express } from 'express';
import { logger } from './logger';
import { setting } from './settings';

/**
 * Liveness and readiness for orchestrators, the same in every process:
 * - `GET /health/live`: 200 while the process can answer at all (an event loop that responds).
 * - `GET /health/ready`: 200 once started, while not draining, and while `check` (the database and
 *   whatever else the process cannot serve without) passes; 503 otherwise.
 */
export class Readiness {
  private state: 'starting' | 'ready' | 'draining' = 'starting';

  markReady(): void {
    if (this.state === 'starting') this.state = 'ready';
  }

  /** SIGTERM: stop taking traffic; requests in flight still finish. */
  markDraining(): void {
    this.state = 'draining';
  }

  get current(): 'starting' | 'ready' | 'draining' {
    return this.state;
  }
}

export function mountHealthRoutes(app: Express, readiness: Readiness, check: () => Promise<void>): void {
  app.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/health/ready', async (_req, res) => {
    if (readiness.current !== 'ready') return void res.status(503).json({ status: readiness.current });
    try {
      await check();
      res.json({ status: 'ready' });
    } catch (err) {
      logger.warn({ err }, 'readiness check failed');
      res.status(503).json({ status: 'unavailable' });
    }
  });
}

/**
 * Runs `stop` (which drains in-flight requests) but never longer than `SHUTDOWN_GRACE_MS`: an
 * orchestrator kills a process that outstays its grace period anyway, and a hung request must not
 * keep a stopping process alive.
 */
export async function stopWithinGrace(stop: () => Promise<void>): Promise<'stopped' | 'grace-expired'> {
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<'grace-expired'>((resolve) => {
    timer = setTimeout(() => resolve('grace-expired'), setting('SHUTDOWN_GRACE_MS'));
    timer.unref();
  });
  try {
    return await Promise.race([stop().then(() => 'stopped' as const), grace]);
  } finally {
    clearTimeout(timer);
  }
}
