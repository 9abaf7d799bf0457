/**
 * Traffic control for public clients (README, "Traffic control"): every operation's cost is
 * calculated from the schema before it runs and paid from its client's leaky bucket (429 when the
 * bucket cannot pay), what it did not use is refunded after, and every answer says so in
 * `extensions.cost`; trusted documents; who may introspect.
 *
 * Wiring (gateway/src/index.ts): `trafficMiddleware` on `/graphql` after the body parser,
 * `withTraffic(req, context)` in the context function, `trafficControl(supergraphSdl)` as a plugin.
 */
import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { Supergraph } from '@apollo/federation-internals';
import { rateLimitRefusals, setting } from '@marketplace/runtime';
import type { NextFunction, Request, Response } from 'express';
import { GraphQLError } from 'graphql';
import type { IncomingMessage } from 'node:http';
import type { GatewayContext } from '../context';
import { CostBuckets, type BucketLimits } from './bucket';
import { clientAddress, clientOf, limitsOf, type Client } from './client';
import { CostCalculator, type CompiledCost } from './cost';
import { introspectionAllowed, selectsIntrospection } from './introspection';
import { resolveTrustedDocument, trustedDocumentsMode, type DocumentOrigin } from './trusted-documents';

/** What the HTTP layer learned about a request, for the plugin. */
export interface TrafficRequest extends DocumentOrigin {
  address: string;
}

const requests = new WeakMap<IncomingMessage, TrafficRequest>();

/** `/graphql` middleware: the client's address, and documents sent by hash replaced by their text. */
export function trafficMiddleware(req: Request, res: Response, next: NextFunction): void {
  const address = clientAddress(req);
  resolveTrustedDocument(req, res, next, (origin) => requests.set(req, { address, ...origin }));
}

/** The gateway context with what the middleware learned about the request. */
export function withTraffic(req: IncomingMessage, context: GatewayContext): GatewayContext {
  context.traffic = requests.get(req);
  return context;
}

/** Shopify's shape: what the operation asked for, what it used, and the bucket after it. */
export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

function costExtension(requested: number, actual: number, limits: BucketLimits, available: number): CostExtension {
  return {
    requestedQueryCost: requested,
    actualQueryCost: actual,
    throttleStatus: { maximumAvailable: limits.size, currentlyAvailable: Math.floor(available), restoreRate: limits.restorePerSecond },
  };
}

function refusal(code: string, message: string, status: number, extra: Record<string, unknown> = {}, headers?: HeaderMap): GraphQLError {
  // Apollo reads `http` (status and headers) off the error; a plain record, since graphql-yoga's
  // typings (in the tree through the peer benchmark) declare another shape for it.
  const extensions: Record<string, unknown> = { code, ...extra, http: headers ? { status, headers } : { status } };
  return new GraphQLError(message, { extensions });
}

/** Callers who may send any document under `enforce`: their integrations and tools need to. */
const mayUseAnyDocument = (client: Client) => client.kind === 'apiKey' || client.kind === 'operator';

export function trafficControl(supergraphSdl: string): ApolloServerPlugin<GatewayContext> {
  const schema = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
  const costs = new CostCalculator(schema, supergraphSdl);
  const buckets = new CostBuckets();

  return {
    async serverWillStart() {
      buckets.connect();
      return {
        async serverWillStop() {
          buckets.close();
        },
      };
    },
    async requestDidStart() {
      let priced: { client: Client; limits: BucketLimits; compiled: CompiledCost; requested: number; available: number; ran: boolean } | undefined;
      return {
        async didResolveOperation({ document, operation, request, contextValue }: GraphQLRequestContext<GatewayContext>) {
          const traffic = contextValue.traffic;
          if (!traffic || !document || !operation) return; // not from HTTP (a test's executeOperation)
          const client = clientOf(contextValue.identity, traffic.address);

          if (trustedDocumentsMode() === 'enforce' && !traffic.trusted && !mayUseAnyDocument(client)) {
            throw refusal('PERSISTED_QUERY_NOT_IN_LIST', 'Only trusted documents are accepted from this client: send a known document id.', 400);
          }
          if (selectsIntrospection(operation, document) && !introspectionAllowed(client)) {
            throw refusal('FORBIDDEN', 'Introspection is not open to this client.', 403);
          }

          const compiled = costs.compile(document, operation);
          const requested = costs.requested(compiled, request.variables);
          const limits = limitsOf(client.kind);
          const ceiling = Math.min(setting('TRAFFIC_MAX_OPERATION_COST'), limits.size);
          if (requested > ceiling) {
            throw refusal('GRAPHQL_VALIDATION_FAILED', `This operation costs ${requested}, more than the ${ceiling} one operation may cost: ask for fewer items.`, 400);
          }
          const state = await buckets.take(client.id, requested, limits);
          priced = { client, limits, compiled, requested, available: state.available, ran: state.allowed };
          if (!state.allowed) {
            const headers = new HeaderMap([['retry-after', String(Math.ceil(state.retryAfterMs / 1000))]]);
            rateLimitRefusals.inc({ limiter: 'graph' });
            throw refusal('RATE_LIMITED', `Rate limited: this operation costs ${requested} and ${Math.floor(state.available)} points are available; retry after the wait.`, 429, { retryAfterMs: state.retryAfterMs }, headers);
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          if (!priced) {
            // Refused before it was priced (unparsable, invalid, not a trusted document, introspection):
            // it cost nothing, and the answer still says where the client's bucket stands.
            if (!contextValue?.traffic) return;
            const client = clientOf(contextValue.identity, contextValue.traffic.address);
            const limits = limitsOf(client.kind);
            const state = await buckets.take(client.id, 0, limits);
            response.body.singleResult.extensions = { ...response.body.singleResult.extensions, cost: costExtension(0, 0, limits, state.available) };
            return;
          }
          const { client, limits, compiled, requested, ran } = priced;
          const actual = ran ? Math.min(requested, costs.actual(compiled, response.body.singleResult.data)) : 0;
          let available = priced.available;
          if (ran && actual < requested) {
            available = Math.min(limits.size, available + (requested - actual));
            // Not awaited: the answer does not wait for the refund (it never fails: memory backs Redis).
            void buckets.refund(client.id, requested - actual, limits);
          }
          response.body.singleResult.extensions = { ...response.body.singleResult.extensions, cost: costExtension(requested, actual, limits, available) };
        },
      };
    },
  };
}
