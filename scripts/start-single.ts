/**
 * `pnpm start:single`: the whole graph in ONE Node process, for small marketplaces and
 * development: the seven subgraphs (each still on its port, for /health and subscriptions) and the
 * gateway, which reaches them in-process, as do their internal calls to each other
 * (packages/runtime/src/in-process.ts). Same database, migrations and operator account as
 * `pnpm start`, which stays the topology to scale out (a process per subgraph).
 *
 * This process migrates, then runs the graph in a worker process (node:cluster) with
 * SERVER_NODE_FLAGS, and restarts it if it exits. One process uses one core:
 * `SINGLE_PROCESS_WORKERS=N` runs N copies sharing the ports (node:cluster hands each connection to
 * one of them), as a Deployment runs replicas: everything shared between copies is in Postgres and
 * Redis, and background work is already safe to run in several instances (outbox relays elect a
 * leader, consumers share a group, sweeps skip locked rows).
 */
import {
  ensureDevKeys,
  isProduction,
  logger,
  SERVER_NODE_FLAGS,
  setting,
  startSubgraph,
  stopOnSignals,
  subgraphPort,
  SUBGRAPHS,
  validateSettingsOrExit,
  type BaseContext,
  type RunningServer,
  type SubgraphDefinition,
} from '@marketplace/runtime';
import cluster, { type Worker } from 'node:cluster';
import { migrateAll } from './migrate';
import { RestartPolicy } from './restart-policy';

process.env.SERVICE_NAME ??= 'marketplace';
validateSettingsOrExit(['ACCESS_TOKEN_PRIVATE_JWK']);

if (cluster.isPrimary) {
  if (!isProduction()) await ensureDevKeys();
  await migrateAll();
  const { ensureOperator } = await import('../subgraphs/users/src/index');
  await ensureOperator();
  // The workers accept from the listening socket themselves, rather than the primary handing each
  // connection to one in turn (node's default on Linux): a connection handed to a worker as it
  // crashes is lost and its client waits forever, while one still in the socket's queue goes to
  // a live worker.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  cluster.setupPrimary({ execArgv: [...process.execArgv, ...SERVER_NODE_FLAGS] });
  const workers = setting('SINGLE_PROCESS_WORKERS');
  superviseWorkers(workers, workerPoolSize(workers));
} else {
  await serveGraph();
}

/** The subgraphs and the gateway, in this process. */
async function serveGraph(): Promise<void> {
  const subgraphs: RunningServer[] = [];
  for (const { name } of SUBGRAPHS) {
    const module = (await import(`../subgraphs/${name}/src/index.ts`)) as Record<string, SubgraphDefinition<BaseContext>>;
    subgraphs.push(await startSubgraph(module[name]!, { port: subgraphPort(name), inProcess: true }));
  }
  // After the subgraphs: the gateway picks in-process data sources for those registered.
  const { startGateway } = await import('../gateway/src/index');
  const gateway = await startGateway();
  logger.info({ port: gateway.port }, 'single-process graph listening');
  stopOnSignals(
    {
      ...gateway,
      async stop() {
        await gateway.stop();
        for (const subgraph of subgraphs) await subgraph.stop();
      },
    },
    'marketplace',
  );
}

/**
 * Each copy opens a pool per subgraph, as a full set of seven processes does (~70 connections at
 * the default): two copies at the default pass Postgres' default `max_connections` (100) and
 * requests fail with "too many clients". Unless DB_POOL_SIZE is set, the copies split the default.
 */
function workerPoolSize(workers: number): Record<string, string> {
  if (workers === 1 || process.env.DB_POOL_SIZE !== undefined) return {};
  const size = Math.max(2, Math.floor(setting('DB_POOL_SIZE') / workers));
  logger.info({ workers, poolSize: size }, 'graph workers split the default DB_POOL_SIZE');
  return { DB_POOL_SIZE: String(size) };
}

/** Forks `count` copies of the graph, restarts one that exits, stops them all on SIGINT/SIGTERM. */
function superviseWorkers(count: number, env: Record<string, string>): void {
  let stopping = false;
  const restartTimers = new Set<NodeJS.Timeout>();
  const fork = (restarts: RestartPolicy) => {
    const worker = cluster.fork(env);
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      const { restartInMs, exits } = restarts.exited();
      if (restartInMs === undefined) {
        logger.error({ code, signal, exits }, 'graph worker keeps exiting; left down');
        return;
      }
      logger.warn({ code, signal, restartInMs }, 'graph worker exited; restarting it');
      const timer = setTimeout(() => {
        restartTimers.delete(timer);
        if (!stopping) fork(restarts);
      }, restartInMs);
      restartTimers.add(timer);
    });
  };
  for (let i = 0; i < count; i++) fork(new RestartPolicy());
  const stop = () => {
    stopping = true;
    restartTimers.forEach(clearTimeout);
    const running = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
    // Each drains within its own SHUTDOWN_GRACE_MS.
    for (const worker of running) worker.process.kill('SIGTERM');
    setTimeout(() => process.exit(0), setting('SHUTDOWN_GRACE_MS') + 2000).unref();
    Promise.all(running.map((w) => new Promise((resolve) => w.once('exit', resolve)))).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
