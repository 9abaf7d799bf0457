import { migrateSubgraph, startOutboxRelay, type SubgraphDefinition } from '@marketplace/runtime';
import { fileURLToPath } from 'node:url';
import { createContext, type Context } from './context';
import { database } from './db/client';
import { mountInternal } from './internal';
import { resolvers } from './resolvers';

export const payments: SubgraphDefinition<Context> = {
  name: 'payments',
  resolvers,
  createContext,
  routes: mountInternal,
  background: () => startOutboxRelay({ schemaName: 'payments' }),
  health: async () => {
    await database.sql`select 1`;
  },
  close: () => database.close(),
};

export function migrate(): Promise<void> {
  return migrateSubgraph({
    schemaName: 'payments',
    migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
  });
}
