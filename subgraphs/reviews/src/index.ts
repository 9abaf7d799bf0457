import { migrateSubgraph, type SubgraphDefinition } from '@marketplace/runtime';
import { fileURLToPath } from 'node:url';
import { createContext, type Context } from './context';
import { database } from './db/client';
import { resolvers } from './resolvers';

export const reviews: SubgraphDefinition<Context> = {
  name: 'reviews',
  resolvers,
  createContext,
  health: async () => {
    await database.sql`select 1`;
  },
  close: () => database.close(),
};

export function migrate(): Promise<void> {
  return migrateSubgraph({
    schemaName: 'reviews',
    migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
  });
}
