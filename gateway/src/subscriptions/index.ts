/**
 * Subscriptions over graphql-ws (`graphql-transport-ws`) on the gateway's `/graphql`. The stock
 * `@apollo/gateway` plans subscriptions but will not execute them; this does, with its planner and
 * executor: the owning subgraph streams the primary events, the gateway completes each across the
 * others (see sources.ts, and the README's "Live updates").
 */
import { formatError, logger, type Identity } from '@marketplace/runtime';
import type { ServiceMap } from '@apollo/gateway';
import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  specifiedRules,
  validate,
  type ExecutionResult,
  type GraphQLFormattedError,
  type ValidationRule,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Server } from 'node:http';
import { WebSocketServer } from 'ws';
import { authenticate } from '../authenticate';
import { SubscriptionLimits } from '../traffic/connections';
import { SubscriptionPlanner } from './planning';
import { SubscriptionSources } from './sources';
import { UpstreamConnections } from './upstream';

/** Ping interval; a client that misses a pong is disconnected. */
const HEARTBEAT_MS = 12_000;

type ConnectionExtra = {
  identity?: Identity;
  apiKeySecret?: string;
  /** The client this connection counts against (traffic/connections.ts), once accepted. */
  client?: string;
};

export interface SubscriptionServer {
  stats(): { clients: number; upstreamSources: number };
  /** Completes every subscription, then closes the connections. */
  close(): Promise<void>;
}

/** Refusals before any event (validation): messages meant for clients, nothing internal. */
function masked(errors: readonly GraphQLError[]): GraphQLFormattedError[] {
  return errors.map((e) => formatError(e.toJSON(), e));
}

export function serveSubscriptions(opts: {
  httpServer: Server;
  supergraphSdl: string;
  /** The gateway's data sources, which complete each event as they answer queries. */
  dataSources: ServiceMap;
  validationRules: readonly ValidationRule[];
}): SubscriptionServer {
  const planner = new SubscriptionPlanner(opts.supergraphSdl);
  const upstream = new UpstreamConnections();
  const sources = new SubscriptionSources({ planner, upstream, dataSources: opts.dataSources });
  const wss = new WebSocketServer({ server: opts.httpServer, path: '/graphql' });
  const limits = new SubscriptionLimits(planner.apiSchema, opts.supergraphSdl);

  const server = useServer<{ authorization?: unknown }, ConnectionExtra>(
    {
      schema: planner.apiSchema,
      validate: (schema, document) =>
        validate(schema, document, [...specifiedRules, ...opts.validationRules]).map(
          (e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
        ),
      // Identity is settled once per connection; a token that does not verify closes it with 4403.
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        try {
          ctx.extra.identity = await authenticate(typeof authorization === 'string' ? authorization : undefined);
        } catch {
          return false;
        }
        if (ctx.extra.identity.kind === 'apiKey') ctx.extra.apiKeySecret = String(authorization).replace(/^Bearer\s+/i, '');
        const extra = ctx.extra as typeof ctx.extra & ConnectionExtra;
        extra.client = limits.open(ctx.extra.identity, ctx.extra.request);
        if (!extra.client) ctx.extra.socket.close(4429, 'Too many connections for this client');
        return extra.client !== undefined;
      },
      onClose: (ctx) => limits.close((ctx.extra as ConnectionExtra).client),
      onSubscribe: (ctx) => limits.refuseSubscription(Object.keys(ctx.subscriptions).length),
      context: (ctx) => ({ identity: ctx.extra.identity, apiKeySecret: ctx.extra.apiKeySecret }),
      execute: () => ({
        errors: [
          new GraphQLError('Only subscriptions are served over WebSocket; send queries and mutations over HTTP.', {
            extensions: { code: 'BAD_REQUEST' },
          }),
        ],
      }),
      subscribe: (args) => {
        const operation = getOperationAST(args.document, args.operationName)!;
        const variables = getVariableValues(args.schema, operation.variableDefinitions ?? [], args.variableValues ?? {});
        if (variables.errors) return { errors: variables.errors } satisfies ExecutionResult;
        const tooCostly = limits.refuseCostly(args.document, operation, variables.coerced);
        if (tooCostly) return { errors: tooCostly } satisfies ExecutionResult;
        const { identity, apiKeySecret } = args.contextValue as ConnectionExtra;
        return sources.subscribe({
          document: args.document,
          operationName: args.operationName ?? undefined,
          variables: variables.coerced,
          identity: identity!,
          apiKeySecret,
        });
      },
      onError: (_ctx, _id, _payload, errors) => masked(errors),
    },
    wss,
    HEARTBEAT_MS,
  );

  return {
    stats: () => sources.stats(),
    async close() {
      sources.endAll();
      // Let the `complete` messages go out before the sockets close.
      await new Promise((resolve) => setImmediate(resolve));
      await server.dispose();
      await new Promise((resolve) => wss.close(resolve));
      await upstream.close();
      logger.debug('subscriptions closed');
    },
  };
}
