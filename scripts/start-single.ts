/**
 * `pnpm start:single`: the whole graph in ONE Node process, for small marketplaces and
 * development: the six subgraphs (each still on its port, for /health and subscriptions) and the
 * gateway, which reaches them in-process, as do their internal calls to each other
 * (packages/runtime/src/in-process.ts). Same database, migrations and operator account as
 * `pnpm start`, which stays the topology to scale out (a process per subgraph).
 */
import {
  ensureDevKeys,
  isProduction,
  logger,
  startSubgraph,
  stopOnSignals,
  subgraphPort,
  SUBGRAPHS,
  validateSettingsOrExit,
  type BaseContext,
  type RunningServer,
  type SubgraphDefinition,
} from '@marketplace/runtime';
import { migrateAll } from './migrate';

process.env.SERVICE_NAME ??= 'marketplace';
validateSettingsOrExit(['ACCESS_TOKEN_PRIVATE_JWK']);
if (!isProduction()) await ensureDevKeys();
await migrateAll();
const { ensureOperator } = await import('../subgraphs/users/src/index');
await ensureOperator();

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
