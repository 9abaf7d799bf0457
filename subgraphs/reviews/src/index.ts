import { defineSubgraph, startOutboxRelay } from '@marketplace/runtime';
import { createContext } from './context';
import { database } from './db/client';
import { mountInternal } from './internal';
import { startPurchaseProjection } from './purchases';
import { resolvers } from './resolvers';

export const { definition: reviews, migrate } = defineSubgraph({
  name: 'reviews',
  resolvers,
  createContext,
  routes: mountInternal,
  background: () => {
    const relay = startOutboxRelay({ schemaName: 'reviews' });
    const purchases = startPurchaseProjection();
    return {
      async stop() {
        await Promise.all([purchases.stop(), relay.stop()]);
      },
    };
  },
  database,
  migrationsFolder: new URL('../drizzle', import.meta.url),
});
