import { Supergraph } from '@apollo/federation-internals';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { formatError, instrumentApp, listen, logger, measureSubscriptionsAtScrape, REPO_ROOT, type RunningServer, setting, type SubgraphName } from '@marketplace/runtime';
import express from 'express';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createGatewayContext, type GatewayContext } from './context';
import { checkHealth } from './health';
import { refuseSubscriptionsOverHttp } from './http-subscriptions';
import { publicResponseCache } from './response-cache';
import { subgraphDataSources } from './subgraph-data-source';
import { serveSubscriptions } from './subscriptions';
import { gatewayMetricsPlugin } from './telemetry';

export const SUPERGRAPH_PATH = join(REPO_ROOT, 'schema', 'supergraph.graphql');

/** Limits on what one operation may ask for; the contract's operations stay far below them. */
const armor = new ApolloArmor({
  maxDepth: { n: 12 },
  maxAliases: { n: 20 },
  maxDirectives: { n: 30 },
  maxTokens: { n: 5000 },
  costLimit: { maxCost: 20_000 },
});

export interface GatewayServer extends RunningServer {
  /** Clients subscribed here, and the distinct upstream sources they share. */
  subscriptionStats(): { clients: number; upstreamSources: number };
}

/**
 * The one graph clients talk to: the checked-in supergraph, each subgraph reached at
 * `<NAME>_URL` (default localhost ports), callers authenticated here and their identity passed on
 * signed; queries and mutations over HTTP, subscriptions over graphql-ws on the same path.
 * `GET /health` reports every subgraph and the subscriptions served.
 */
export async function startGateway(opts: { port?: number } = {}): Promise<GatewayServer> {
  const supergraphSdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
  const dataSources = subgraphDataSources();
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) => dataSources[name as SubgraphName],
    logger,
  });

  const app = express();
  const httpServer = createServer(app);
  const protection = armor.protect();
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError,
    ...protection,
    includeStacktraceInErrorResponses: false,
    // Our process entry points own SIGINT/SIGTERM (stopOnSignals); Apollo's handlers would race them.
    stopOnTerminationSignals: false,
    plugins: [
      ...protection.plugins,
      refuseSubscriptionsOverHttp,
      gatewayMetricsPlugin,
      ...publicResponseCache(Supergraph.build(supergraphSdl).schema.toGraphQLJSSchema()),
      ApolloServerPluginDrainHttpServer({ httpServer }),
    ],
  });
  await apollo.start();

  const subscriptions = serveSubscriptions({ httpServer, supergraphSdl, dataSources, validationRules: protection.validationRules });
  measureSubscriptionsAtScrape(subscriptions.stats);
  // GET /metrics, a span per request (clients' traceparent is not trusted), subgraph fetch metrics.
  instrumentApp(app, { trustCaller: false });

  app.get('/health', async (_req, res) => {
    const report = await checkHealth();
    res.status(report.status === 'ok' ? 200 : 503).json({ ...report, subscriptions: subscriptions.stats() });
  });
  app.use(
    '/graphql',
    express.json({ limit: '256kb' }),
    expressMiddleware(apollo, { context: ({ req }) => createGatewayContext(req.header('authorization')) }),
  );

  const port = await listen(httpServer, opts.port ?? setting('PORT'));
  logger.info({ port }, 'gateway listening');
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    subscriptionStats: () => subscriptions.stats(),
    async stop() {
      await subscriptions.close();
      await apollo.stop();
    },
  };
}
