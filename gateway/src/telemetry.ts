/**
 * The gateway's telemetry: its operations counted and timed by name, kind and outcome, and the
 * public response cache's hits and misses. Shared parts (GET /metrics, request spans, subgraph
 * fetch metrics) come from the runtime's `instrumentApp`.
 */
import type { GraphQLRequestContext } from '@apollo/server';
import { gatewayRequestDuration, gatewayRequests, operationMetricsPlugin, responseCacheLookups } from '@marketplace/runtime';
import type { GatewayContext } from './context';

/** Requests whose answer could come from the response cache (the cache's `shouldReadFromCache` said yes). */
const cacheable = new WeakSet<object>();

/** Called by the response cache when it looks an operation up (see response-cache.ts). */
export function noteCacheLookup(requestContext: GraphQLRequestContext<GatewayContext>): void {
  cacheable.add(requestContext.request);
}

export const gatewayMetricsPlugin = operationMetricsPlugin<GatewayContext>(({ operation, kind, outcome, seconds }, requestContext) => {
  gatewayRequests.inc({ operation, kind, outcome });
  gatewayRequestDuration.observe({ operation, kind }, seconds);
  if (requestContext.metrics.responseCacheHit) responseCacheLookups.inc({ result: 'hit' });
  else if (cacheable.has(requestContext.request)) responseCacheLookups.inc({ result: 'miss' });
});
