import { migrateSubgraph, type SubgraphDefinition } from '@marketplace/runtime';
import { fileURLToPath } from 'node:url';
import { createContext, type Context } from './context';
import { database } from './db/client';
import { resolvers } from './resolvers';

export const orders: SubgraphDefinition<Context> = {
  name: 'orders',
  resolvers,
  createContext,
  health: async () => {
    await database.sql`select 1`;
  },
  close: () => database.close(),
};

export function migrate(): Promise<void> {
  return migrateSubgraph({
    schemaName: 'orders',
    migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
  });
}
