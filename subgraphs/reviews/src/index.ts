import { defineSubgraph } from '@marketplace/runtime';
import { startPurchaseProjection } from './purchases';
import { createContext } from './context';
import { database } from './db/client';
import { resolvers } from './resolvers';

export const { definition: reviews, migrate } = defineSubgraph({
  name: 'reviews',
  resolvers,
  createContext,
  background: startPurchaseProjection,
  database,
  migrationsFolder: new URL('../drizzle', import.meta.url),
});
