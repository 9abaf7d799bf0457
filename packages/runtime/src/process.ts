import { stopWithinGrace } from './health';
import { logger } from './logger';
import { validateSettingsOrExit } from './settings';
import { shutdownTracing, startTracing } from './telemetry/tracing';
import { startSubgraph, type BaseContext, type RunningServer, type SubgraphDefinition } from './server';

/**
 * Node flags every server process runs with (the launchers and the image's entry point pass them).
 * A larger young generation than V8's default 16 MB: a request's garbage is short-lived, and with
 * the default the scavenger ran often enough to be 14% of the one-process graph's CPU on the
 * product page; at 32 MB it was 10% (bench:profile), for a few tens of MB more memory per process.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=32'];

/**
 * Stops `server` on SIGINT/SIGTERM: it turns unready and lets requests in flight finish, for at most
 * `SHUTDOWN_GRACE_MS`; then the process exits 0.
 */
export function stopOnSignals(server: RunningServer, name: string): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, name }, 'stopping');
    const outcome = await stopWithinGrace(() => server.stop()).catch((err) => logger.error({ err }, 'stop failed'));
    if (outcome === 'grace-expired') logger.warn({ name }, 'grace period over: exiting with work in flight');
    await shutdownTracing().catch((err) => logger.warn({ err }, 'exporting the last spans failed'));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** Entry point of a subgraph process: migrate its schema, serve, stop cleanly on signals. */
export async function runSubgraphProcess<TContext extends BaseContext>(
  def: SubgraphDefinition<TContext>,
  migrate: () => Promise<void>,
): Promise<void> {
  process.env.SERVICE_NAME ??= def.name;
  // Users signs access tokens, so only it needs their private key.
  validateSettingsOrExit(def.name === 'users' ? ['ACCESS_TOKEN_PRIVATE_JWK'] : []);
  startTracing();
  await migrate();
  stopOnSignals(await startSubgraph(def), def.name);
}
