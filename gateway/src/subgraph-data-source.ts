import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { IDENTITY_HEADER } from '@marketplace/runtime';
import type { GatewayContext } from './context';

/**
 * Sends each subgraph fetch with the caller's identity as a signed assertion, and nothing else of
 * the client's headers: subgraphs trust only what the gateway signed.
 */
export class IdentityForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (context?.identityAssertion) request.http?.headers.set(IDENTITY_HEADER, context.identityAssertion);
  }
}
