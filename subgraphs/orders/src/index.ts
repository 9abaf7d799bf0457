import { defineSubgraph } from '@marketplace/runtime';
import { createContext } from './context';
import { database } from './db/client';
import { resolvers } from './resolvers';

export const { definition: orders, migrate } = defineSubgraph({
  name: 'orders',
  resolvers,
  createContext,
  database,
  migrationsFolder: new URL('../drizzle', import.meta.url),
});
