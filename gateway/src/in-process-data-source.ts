import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ANONYMOUS, localSubgraph, type LocalSubgraph, type SubgraphName } from '@marketplace/runtime';
import type { GatewayContext } from './context';

/**
 * A subgraph in this process (single-process topology, packages/runtime/src/in-process.ts):
 * the fetch is a call of its Apollo Server, with the caller's identity as the gateway verified
 * it. Its Cache-Control header restricts the response's cache policy as RemoteGraphQLDataSource
 * does with a subgraph's HTTP header, so the response cache keeps what it may keep and no more.
 */
export class InProcessDataSource implements GraphQLDataSource<GatewayContext> {
  constructor(private readonly subgraph: LocalSubgraph) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const { request } = options;
    const identity = (options.context as Partial<GatewayContext> | undefined)?.identity ?? ANONYMOUS;
    const { result, cacheControl } = await this.subgraph.execute(
      { query: request.query!, variables: request.variables as Record<string, unknown> | undefined, operationName: request.operationName },
      identity,
    );
    const policy = 'incomingRequestContext' in options ? options.incomingRequestContext.overallCachePolicy : undefined;
    if (policy && 'restrict' in policy) {
      const maxAge = /(?:^|,)\s*max-age=(\d+)/.exec(cacheControl ?? '')?.[1];
      policy.restrict({
        maxAge: maxAge === undefined ? 0 : Number(maxAge),
        ...(/\bprivate\b/.test(cacheControl ?? '') ? { scope: 'PRIVATE' as const } : /\bpublic\b/.test(cacheControl ?? '') ? { scope: 'PUBLIC' as const } : {}),
      });
    }
    return result as Awaited<ReturnType<GraphQLDataSource<GatewayContext>['process']>>;
  }
}

/** The subgraph's in-process data source when it runs in this process (single-process topology). */
export function inProcessDataSource(name: SubgraphName): InProcessDataSource | undefined {
  const subgraph = localSubgraph(name);
  return subgraph && new InProcessDataSource(subgraph);
}
