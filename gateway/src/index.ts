import { Supergraph } from '@apollo/federation-internals';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  formatError,
  instrumentApp,
  listen,
  logger,
  measureSubscriptionsAtScrape,
  mountHealthRoutes,
  Readiness,
  REPO_ROOT,
  type RunningServer,
  setting,
  type SubgraphName,
  tracedListener,
} from '@marketplace/runtime';
import express from 'express';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createGatewayContext, type GatewayContext } from './context';
import { DeduplicatingDataSource } from './deduplicating-data-source';
import { checkHealth } from './health';
import { refuseSubscriptionsOverHttp } from './http-subscriptions';
import { publicResponseCache } from './response-cache';
import { inProcessDataSource } from './in-process-data-source';
import { subgraphDataSources } from './subgraph-data-source';
import { serveSubscriptions } from './subscriptions';
import { serveWeb } from './web';
import { trafficControl, trafficMiddleware, withTraffic } from './traffic';
import { gatewayMetricsPlugin } from './telemetry';

export const SUPERGRAPH_PATH = join(REPO_ROOT, 'schema', 'supergraph.graphql');

/**
 * Limits on what one operation may ask for; the contract's operations stay far below them. Cost is
 * traffic control's (from the schema's @cost/@listSize, paid from the client's bucket), not Armor's.
 */
const armor = new ApolloArmor({
  maxDepth: { n: 12 },
  maxAliases: { n: 20 },
  maxDirectives: { n: 30 },
  maxTokens: { n: 5000 },
  costLimit: { enabled: false },
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
  const dedup = setting('SUBGRAPH_FETCH_DEDUP') === 'on';
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) => {
      const source = inProcessDataSource(name as SubgraphName) ?? dataSources[name as SubgraphName];
      return dedup ? new DeduplicatingDataSource(name as SubgraphName, source) : source;
    },
    logger,
  });

  const app = express();
  // Clients' traceparent is not trusted: a trace starts here.
  const httpServer = createServer(tracedListener(app, { trustCaller: false }));
  const protection = armor.protect();
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError,
    ...protection,
    includeStacktraceInErrorResponses: false,
    // Traffic control resolves documents sent by hash (trusted documents, APQ) and decides who may introspect.
    persistedQueries: false,
    introspection: true,
    // Our process entry points own SIGINT/SIGTERM (stopOnSignals); Apollo's handlers would race them.
    stopOnTerminationSignals: false,
    plugins: [
      ...protection.plugins,
      refuseSubscriptionsOverHttp,
      trafficControl(supergraphSdl),
      gatewayMetricsPlugin,
      ...publicResponseCache(Supergraph.build(supergraphSdl).schema.toGraphQLJSSchema()),
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: setting('SHUTDOWN_GRACE_MS') }),
    ],
  });
  await apollo.start();

  const subscriptions = serveSubscriptions({ httpServer, supergraphSdl, dataSources, validationRules: protection.validationRules });
  measureSubscriptionsAtScrape(subscriptions.stats);
  // GET /metrics, subgraph fetch metrics.
  instrumentApp(app);

  // Ready needs nothing beyond the gateway itself: a subgraph down degrades answers, it does not stop them.
  const readiness = new Readiness();
  mountHealthRoutes(app, readiness, async () => {});
  app.get('/health', async (_req, res) => {
    const report = await checkHealth();
    res.status(report.status === 'ok' ? 200 : 503).json({ ...report, subscriptions: subscriptions.stats() });
  });
  // Through Express, not the runtime's node:http fast path that subgraphs take: traffic control
  // resolves trusted documents and the client's address in middleware before Apollo sees the request.
  app.use(
    '/graphql',
    express.json({ limit: '256kb' }),
    trafficMiddleware,
    expressMiddleware(apollo, { context: async ({ req }) => withTraffic(req, await createGatewayContext(req.header('authorization'))) }),
  );
  serveWeb(app);

  const port = await listen(httpServer, opts.port ?? setting('PORT'));
  readiness.markReady();
  logger.info({ port }, 'gateway listening');
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    subscriptionStats: () => subscriptions.stats(),
    async stop() {
      readiness.markDraining();
      await subscriptions.close();
      await apollo.stop();
    },
  };
}
