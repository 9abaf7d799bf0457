import { defineSubgraph } from '@marketplace/runtime';
import { createContext } from './context';
import { database } from './db/client';
import { mountInternal } from './internal';
import { startProjections } from './projections';
import { closeSearchCache } from './search-cache';
import { resolvers } from './resolvers';

export const { definition: products, migrate } = defineSubgraph({
  name: 'products',
  resolvers,
  createContext,
  routes: mountInternal,
  background: () => {
    const projections = startProjections();
    return {
      async stop() {
        await projections.stop();
        await closeSearchCache();
      },
    };
  },
  database,
  migrationsFolder: new URL('../drizzle', import.meta.url),
});
