/**
 * The whole graph in this test process: six subgraphs and the gateway over real HTTP on
 * ephemeral ports, against the test database and Redis. Subgraphs find each other through the
 * `<NAME>_URL` variables set here, as separate processes would through configuration.
 */
import { startSubgraph, SUBGRAPHS, type BaseContext, type RunningServer, type SubgraphDefinition, type SubgraphName } from '@marketplace/runtime';
import { startGateway } from '../gateway/src/index';
import { graphql, type GraphQLResult } from './graphql-client';

export interface Stack {
  gatewayUrl: string;
  subgraphUrls: Record<SubgraphName, string>;
  /** Sends an operation through the gateway. */
  request<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResult<T>>;
  /** Stops one subgraph (to see how the graph behaves without it). */
  stopSubgraph(name: SubgraphName): Promise<void>;
  stop(): Promise<void>;
}

async function definitionOf(name: SubgraphName): Promise<SubgraphDefinition<BaseContext>> {
  const module = (await import(`../subgraphs/${name}/src/index.ts`)) as Record<string, unknown>;
  return module[name] as SubgraphDefinition<BaseContext>;
}

export async function startStack(): Promise<Stack> {
  const servers = new Map<SubgraphName, RunningServer>();
  const subgraphUrls = {} as Record<SubgraphName, string>;
  for (const { name } of SUBGRAPHS) {
    const server = await startSubgraph(await definitionOf(name), { port: 0 });
    servers.set(name, server);
    subgraphUrls[name] = server.url;
    process.env[`${name.toUpperCase()}_URL`] = server.url;
  }
  // As `pnpm start` does: the operator account exists once the graph is up.
  const { ensureOperator } = await import('../subgraphs/users/src/index');
  await ensureOperator();
  const gateway = await startGateway({ port: 0 });
  const gatewayUrl = `${gateway.url}/graphql`;
  return {
    gatewayUrl,
    subgraphUrls,
    request: (query, variables = {}, token) => graphql(gatewayUrl, query, variables, { token }),
    async stopSubgraph(name) {
      await servers.get(name)?.stop();
      servers.delete(name);
    },
    async stop() {
      await gateway.stop();
      await Promise.all([...servers.values()].map((s) => s.stop()));
    },
  };
}
