import type { Express } from 'express';
import { observeSubgraphFetches } from './fetches';
import { metricsRoutes } from './metrics';
import { traceRequests } from './tracing';

export * from './metrics';
export { operationMetricsPlugin, type OperationSummary } from './graphql';
export { subgraphOperationMetrics } from './subgraph';
export { activeSpan, currentTraceparent, flushTraces, inSpan, linkTo, shutdownTracing, startTracing, traceFields, tracingEnabled } from './tracing';

/**
 * What every process's HTTP app gets, mounted before its routes: `GET /metrics`, the counting of
 * requests it sends to subgraphs, and a span per request it serves. `trustCaller`: continue the
 * caller's trace (subgraphs, called only by our processes) or start one (the public gateway).
 */
export function instrumentApp(app: Express, opts: { trustCaller: boolean }): void {
  metricsRoutes(app);
  observeSubgraphFetches();
  app.use(traceRequests(opts));
}
