import { defineSubgraph } from '@marketplace/runtime';
import { createContext } from './context';
import { database } from './db/client';
import { resolvers } from './resolvers';

export const { definition: reviews, migrate } = defineSubgraph({
  name: 'reviews',
  resolvers,
  createContext,
  database,
  migrationsFolder: new URL('../drizzle', import.meta.url),
});
