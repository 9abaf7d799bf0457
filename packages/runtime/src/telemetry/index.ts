import type { Express } from 'express';
import { observeSubgraphFetches } from './fetches';
import { metricsRoutes } from './metrics';

export * from './metrics';
export { operationMetricsPlugin, type OperationSummary } from './graphql';
export { subgraphOperationMetrics } from './subgraph';
export { activeSpan, currentTraceparent, flushTraces, inSpan, linkTo, shutdownTracing, startTracing, tracedListener, traceFields, tracingEnabled } from './tracing';

/**
 * What every process's HTTP app gets, mounted before its routes: `GET /metrics` and the counting
 * of requests it sends to subgraphs. Spans of the requests it serves come from wrapping its
 * server's listener in `tracedListener`.
 */
export function instrumentApp(app: Express): void {
  metricsRoutes(app);
  observeSubgraphFetches();
}
