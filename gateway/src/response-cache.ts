import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import responseCachePlugin from '@apollo/server-plugin-response-cache';
import type { GraphQLRequestContext } from '@apollo/server';
import { catalogVersion, logger, type Identity } from '@marketplace/runtime';
import type { GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { randomUUID } from 'node:crypto';
import { selectsRestrictedFields } from './auth-rules';
import type { GatewayContext } from './context';
import { noteCacheLookup } from './telemetry';

/**
 * Callers who see the public catalog exactly as anonymous shoppers do: shoppers' own accounts.
 * Store staff and operators do not (they see their drafts, their stores' lists), nor do API keys.
 */
function seesPublicCatalog(identity: Identity): boolean {
  if (identity.kind === 'anonymous') return true;
  return identity.kind === 'user' && identity.sellerId === null && !identity.roles.some((role) => role === 'SELLER' || role === 'ADMIN');
}

/**
 * Whole answers of the public catalog (search, suggestions, categories), shared by every caller
 * who would get the same answer: anonymous shoppers, and signed-in shoppers asking for public
 * fields only (no `@auth` rule but public in the selection). Kept for as long as every subgraph's
 * cache hints allow, and only while the catalog version they were made under is current
 * (packages/runtime/src/catalog-version.ts): a change to the catalog starts new entries at once.
 */
export function publicResponseCache(supergraphSchema: GraphQLSchema) {
  const restrictedOperations = new WeakMap<OperationDefinitionNode, boolean>();
  const selectsOnlyPublicFields = ({ document, operation }: GraphQLRequestContext<GatewayContext>) => {
    if (!document || !operation) return false;
    let restricted = restrictedOperations.get(operation);
    if (restricted === undefined) restrictedOperations.set(operation, (restricted = selectsRestrictedFields(supergraphSchema, document, operation)));
    return !restricted;
  };
  const shares = async (requestContext: GraphQLRequestContext<GatewayContext>) => {
    const { identity } = requestContext.contextValue;
    return identity.kind === 'anonymous' || (seesPublicCatalog(identity) && selectsOnlyPublicFields(requestContext));
  };
  return [
    // Hints still decide what is cached here, but are not passed on as a Cache-Control header:
    // a browser or CDN would keep an answer its full maxAge, knowing nothing of the catalog version.
    ApolloServerPluginCacheControl({ calculateHttpHeaders: false }),
    responseCachePlugin<GatewayContext>({
      async shouldReadFromCache(requestContext) {
        const read = await shares(requestContext);
        if (read) noteCacheLookup(requestContext);
        return read;
      },
      shouldWriteToCache: shares,
      async extraCacheKeyData(requestContext) {
        if (!(await shares(requestContext))) return null;
        try {
          return await catalogVersion();
        } catch (error) {
          // Without the version nothing cached can be trusted: a key of its own misses, and is never read again.
          // Debug only: Redis' connection already says once per outage that it is unreachable.
          logger.debug({ err: error }, 'catalog version unavailable; not serving cached responses');
          return randomUUID();
        }
      },
    }),
  ];
}
