import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import responseCachePlugin from '@apollo/server-plugin-response-cache';
import { catalogVersion, logger } from '@marketplace/runtime';
import { randomUUID } from 'node:crypto';
import type { GatewayContext } from './context';

const isAnonymous = async ({ contextValue }: { contextValue: GatewayContext }) => contextValue.identity.kind === 'anonymous';

/**
 * Whole responses for anonymous shoppers (search, suggestions, categories), for as long as every
 * subgraph's cache hints allow, and only while the catalog version they were made under is current
 * (packages/runtime/src/catalog-version.ts): a change to the catalog starts new entries at once.
 * Signed-in callers are never served from it: what they see may depend on who they are.
 */
export function anonymousResponseCache() {
  return [
    // Hints still decide what is cached here, but are not passed on as a Cache-Control header:
    // a browser or CDN would keep an answer its full maxAge, knowing nothing of the catalog version.
    ApolloServerPluginCacheControl({ calculateHttpHeaders: false }),
    responseCachePlugin<GatewayContext>({
      shouldReadFromCache: isAnonymous,
      shouldWriteToCache: isAnonymous,
      async extraCacheKeyData(requestContext) {
        if (!(await isAnonymous(requestContext))) return null;
        try {
          return await catalogVersion();
        } catch (error) {
          // Without the version nothing cached can be trusted: a key of its own misses, and is never read again.
          logger.warn({ err: error }, 'catalog version unavailable; not serving cached responses');
          return randomUUID();
        }
      },
    }),
  ];
}
