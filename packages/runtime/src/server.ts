import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import express from 'express';
import { parse } from 'graphql';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { enforceAuthRules } from './auth';
import type { HttpApp } from './internal';
import { formatError } from './errors';
import { mountHealthRoutes, Readiness } from './health';
import { withGraphQLFastPath } from './graphql-http';
import { inProcessSubgraph } from './in-process-subgraph';
import { registerLocalSubgraph } from './in-process';
import { serveSubscriptions } from './live';
import { IDENTITY_HEADER, verifyIdentityAssertion, type Identity } from './identity';
import { logger, type Logger } from './logger';
import { DateTimeScalar } from './scalars';
import { setting } from './settings';
import { instrumentApp, subgraphOperationMetrics, tracedListener } from './telemetry';
import { subgraphPort, subgraphSdl, type SubgraphName } from './subgraphs';

/** What every resolver receives; each subgraph's `Context` adds its database and per-request DataLoaders. */
export interface BaseContext {
  identity: Identity;
  log: Logger;
  /** Subscriptions only: the event stream position to resume after, as the gateway asked. */
  resumeAfter?: string;
}

export interface SubgraphDefinition<TContext extends BaseContext> {
  name: SubgraphName;
  // Typed by each subgraph's codegen output; the map type here is only structural.
  resolvers: object;
  /** The context of one request (fresh DataLoaders each time). */
  createContext: (base: BaseContext) => TContext;
  /** Extra routes (internal service-to-service operations). */
  routes?: (app: HttpApp) => void;
  /** Work that runs beside the server (an outbox relay, event consumers); stopped with it. */
  background?: () => { stop(): Promise<void> };
  /** Throws when a dependency (database, Redis) does not answer. */
  health: () => Promise<void>;
  /** Releases connections after the HTTP server closed. */
  close?: () => Promise<void>;
}

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Idle keep-alive connections live a minute (announced in the `Keep-Alive` response header, which
 * clients such as undici honour by dropping theirs first), so busy callers reuse sockets.
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export async function listen(server: Server, port: number): Promise<number> {
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, setting('LISTEN_HOST'), resolve);
  });
  return (server.address() as AddressInfo).port;
}

/**
 * The one bootstrap every subgraph uses: schema from SDL + resolvers with `@auth` enforced,
 * identity from the signed assertion only, `/graphql` (HTTP, and graphql-ws for the gateway's
 * subscriptions), `/health` and internal routes.
 */
export async function startSubgraph<TContext extends BaseContext>(
  def: SubgraphDefinition<TContext>,
  /** inProcess: reachable by the gateway and callInternal in this process without HTTP (in-process.ts). */
  opts: { port?: number; inProcess?: boolean } = {},
): Promise<RunningServer> {
  const log = logger.child({ subgraph: def.name });
  const schema = enforceAuthRules(
    buildSubgraphSchema({
      typeDefs: parse(subgraphSdl(def.name)),
      resolvers: { DateTime: DateTimeScalar, ...def.resolvers } as GraphQLResolverMap<unknown>,
    }),
  );

  const app = express();
  // Only the gateway and other subgraphs call a subgraph, with POSTs no cache revalidates: an
  // ETag (a hash of every response body) would be work for nobody.
  app.set('etag', false);
  // Its request listener is set once Apollo has started (below).
  const httpServer = createServer();
  const apollo = new ApolloServer<TContext>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    // Our process entry points own SIGINT/SIGTERM (stopOnSignals); Apollo's handlers would race them.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: setting('SHUTDOWN_GRACE_MS') }),
      ApolloServerPluginInlineTraceDisabled(),
      subgraphOperationMetrics(def.name),
    ],
  });
  await apollo.start();

  instrumentApp(app);
  app.use(express.json({ limit: '1mb' }));
  const readiness = new Readiness();
  mountHealthRoutes(app, readiness, def.health);
  app.get('/health', async (_req, res) => {
    try {
      await def.health();
      res.json({ status: 'ok' });
    } catch (err) {
      log.warn({ err }, 'health check failed');
      res.status(503).json({ status: 'unavailable' });
    }
  });
  def.routes?.(app);
  const context = async (req: IncomingMessage) => {
    const identity = await verifyIdentityAssertion(req.headers[IDENTITY_HEADER] as string | undefined);
    return def.createContext({ identity, log });
  };
  app.use('/graphql', expressMiddleware(apollo, { context: ({ req }) => context(req) }));
  // Subgraphs are called by our own processes only: continue the caller's trace.
  httpServer.on('request', tracedListener(withGraphQLFastPath(apollo, context, app, { limitBytes: 1024 * 1024 }), { trustCaller: true }));

  const unregister = opts.inProcess ? registerLocalSubgraph(def.name, inProcessSubgraph(apollo, app, (identity) => def.createContext({ identity, log }))) : undefined;

  const subscriptions = serveSubscriptions({ httpServer, schema, createContext: def.createContext, log });

  const port = await listen(httpServer, opts.port ?? subgraphPort(def.name));
  const background = def.background?.();
  readiness.markReady();
  log.info({ port }, 'subgraph listening');
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      readiness.markDraining();
      unregister?.();
      await subscriptions.close();
      await apollo.stop();
      await background?.stop();
      await def.close?.();
    },
  };
}
