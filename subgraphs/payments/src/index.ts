import { defineSubgraph, startOutboxRelay } from '@marketplace/runtime';
import { createContext } from './context';
import { database } from './db/client';
import { mountInternal } from './internal';
import { resolvers } from './resolvers';

export const { definition: payments, migrate } = defineSubgraph({
  name: 'payments',
  resolvers,
  createContext,
  routes: mountInternal,
  background: () => startOutboxRelay({ schemaName: 'payments' }),
  database,
  migrationsFolder: new URL('../drizzle', import.meta.url),
});
