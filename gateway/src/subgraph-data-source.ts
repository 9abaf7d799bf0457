import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { IDENTITY_HEADER } from '@marketplace/runtime';
import type { GatewayContext } from './context';

/**
 * Sends each subgraph fetch with the caller's identity as a signed assertion, and nothing else of
 * the client's headers: subgraphs trust only what the gateway signed.
 */
export class IdentityForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(config: { url: string }) {
    // Node's fetch (undici) retires an idle keep-alive connection before the subgraph's server
    // closes it (it reads the server's Keep-Alive timeout). The default make-fetch-happen agent
    // keeps idle connections forever, so now and then a request went down a connection the
    // server was closing and the client got INTERNAL_SERVER_ERROR (ECONNRESET).
    super({ ...config, fetcher: fetch });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (context?.identityAssertion) request.http?.headers.set(IDENTITY_HEADER, context.identityAssertion);
  }
}
