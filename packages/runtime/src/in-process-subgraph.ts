import type { ApolloServer } from '@apollo/server';
import type { BaseContext } from './server';
import type { Identity } from './identity';
import { internalHandlersOf, type HttpApp } from './internal';
import type { LocalSubgraph } from './in-process';

/**
 * A subgraph as the single-process topology reaches it: its Apollo Server's whole request
 * pipeline (`@auth`, formatError, cache hints and the Cache-Control header they make, the parsed
 * document cache) without HTTP; the identity is the gateway's, already verified in this process.
 */
export function inProcessSubgraph<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  app: HttpApp,
  createContext: (identity: Identity) => TContext,
): LocalSubgraph {
  return {
    async execute(request, identity) {
      const response = await apollo.executeOperation(request, { contextValue: createContext(identity) });
      if (response.body.kind !== 'single') throw new Error('incremental delivery is not used between the gateway and subgraphs');
      return { result: response.body.singleResult, cacheControl: response.http.headers.get('cache-control') };
    },
    internal: internalHandlersOf.get(app) ?? {},
  };
}
