import { defineSubgraph } from '@marketplace/runtime';
import { createContext } from './context';
import { database } from './db/client';
import { mountInternal } from './internal';
import { startProjections } from './projections';
import { resolvers } from './resolvers';

export const { definition: products, migrate } = defineSubgraph({
  name: 'products',
  resolvers,
  createContext,
  routes: mountInternal,
  background: startProjections,
  database,
  migrationsFolder: new URL('../drizzle', import.meta.url),
});
