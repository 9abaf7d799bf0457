import { operationMetricsPlugin } from './graphql';
import { subgraphOperationDuration, subgraphOperations } from './metrics';

/** Counts and times the GraphQL operations a subgraph answers (the gateway's query plan fetches, mostly). */
export const subgraphOperationMetrics = (subgraph: string) =>
  operationMetricsPlugin(({ operation, kind, outcome, seconds }) => {
    subgraphOperations.inc({ subgraph, operation, kind, outcome });
    subgraphOperationDuration.observe({ subgraph, kind }, seconds);
  });
