import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { IDENTITY_HEADER } from '@marketplace/runtime';
import type { GatewayContext } from './context';

type DataSourceConfig = ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0];

/**
 * Sends each subgraph fetch with the caller's identity as a signed assertion, and nothing else of
 * the client's headers: subgraphs trust only what the gateway signed.
 */
export class IdentityForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(config: DataSourceConfig) {
    // Node's fetch (undici) drops idle sockets before the server's keep-alive timeout (it reads the
    // `Keep-Alive` header); Apollo's default fetcher keeps them forever and then fails on a socket
    // the subgraph already closed ("socket hang up").
    super({ fetcher: fetch as unknown as NonNullable<DataSourceConfig>['fetcher'], ...config });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (context?.identityAssertion) request.http?.headers.set(IDENTITY_HEADER, context.identityAssertion);
  }
}
