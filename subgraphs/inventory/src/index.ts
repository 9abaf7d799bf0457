import { migrateSubgraph, type SubgraphDefinition } from '@marketplace/runtime';
import { fileURLToPath } from 'node:url';
import { createContext, type Context } from './context';
import { database } from './db/client';
import { mountInternal } from './internal';
import { resolvers } from './resolvers';

export const inventory: SubgraphDefinition<Context> = {
  name: 'inventory',
  resolvers,
  createContext,
  routes: mountInternal,
  health: async () => {
    await database.sql`select 1`;
  },
  close: () => database.close(),
};

export function migrate(): Promise<void> {
  return migrateSubgraph({
    schemaName: 'inventory',
    migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
  });
}
