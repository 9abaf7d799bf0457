import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { IDENTITY_HEADER, SUBGRAPHS, subgraphBaseUrl, type SubgraphName } from '@marketplace/runtime';
import type { GatewayContext } from './context';
import { subgraphFetcher } from './subgraph-fetcher';
import { ResilientDataSource } from './resilience/resilient-data-source';

/**
 * Sends each subgraph fetch with the caller's identity as a signed assertion, and nothing else of
 * the client's headers: subgraphs trust only what the gateway signed.
 */
export class IdentityForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override fetcher = subgraphFetcher;

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (context?.identityAssertion) request.http?.headers.set(IDENTITY_HEADER, context.identityAssertion);
  }
}

/**
 * One data source per subgraph, at `<NAME>_URL`, shared by queries and subscription events; each
 * with its deadline and circuit breaker.
 */
export function subgraphDataSources(): Record<SubgraphName, ResilientDataSource> {
  return Object.fromEntries(
    SUBGRAPHS.map(({ name }) => [
      name,
      new ResilientDataSource(name, new IdentityForwardingDataSource({ url: `${subgraphBaseUrl(name)}/graphql` })),
    ]),
  ) as Record<SubgraphName, ResilientDataSource>;
}
