import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { IDENTITY_HEADER, SUBGRAPHS, subgraphBaseUrl, type SubgraphName } from '@marketplace/runtime';
import { Agent, request, type Dispatcher } from 'undici';
import type { GatewayContext } from './context';
import { fetchSignal, ResilientDataSource } from './resilience/resilient-data-source';

/** Keep-alive connections to the subgraphs, shared by every subgraph fetch of the gateway. */
const subgraphAgent = new Agent({ keepAliveTimeout: 4_000 });

/**
 * Subgraph fetches over undici's pooled `request`. Apollo's default fetcher (make-fetch-happen
 * with agent-base, which captures a stack trace per request) was the gateway's largest cost
 * after query execution; this one answers a WHATWG Response, as a Fetcher must.
 */
const subgraphFetcher: RemoteGraphQLDataSource['fetcher'] = async (url, init = {}) => {
  const { statusCode, headers, body } = await request(url, {
    method: (init.method ?? 'POST') as Dispatcher.HttpMethod,
    headers: init.headers,
    body: init.body,
    dispatcher: subgraphAgent,
    // The fetch's deadline (resilience/), else the caller's own signal.
    signal: fetchSignal.getStore() ?? init.signal,
  });
  const responseHeaders = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    for (const one of Array.isArray(value) ? value : [value ?? '']) responseHeaders.append(name, one);
  }
  const text = await body.text();
  // A WHATWG Response refuses a body with these statuses, even an empty one.
  const nullBody = statusCode === 204 || statusCode === 205 || statusCode === 304;
  return new Response(nullBody ? null : text, { status: statusCode, headers: responseHeaders });
};

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
