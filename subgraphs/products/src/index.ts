import { defineSubgraph } from '@marketplace/runtime';
import { createContext } from './context';
import { database } from './db/client';
import { mountInternal } from './internal';
import { resolvers } from './resolvers';

export const { definition: products, migrate } = defineSubgraph({
  name: 'products',
  resolvers,
  createContext,
  routes: mountInternal,
  database,
  migrationsFolder: new URL('../drizzle', import.meta.url),
});
