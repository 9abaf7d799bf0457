import { fileURLToPath } from 'node:url';
import { migrateSubgraph, type Database } from './db';
import type { BaseContext, SubgraphDefinition } from './server';

/**
 * A subgraph from its parts: the health check (its database answers), shutdown (its pool closes)
 * and migrations (its drizzle folder, into its own Postgres schema) are the same for all.
 */
export function defineSubgraph<TContext extends BaseContext>(
  parts: Omit<SubgraphDefinition<TContext>, 'health' | 'close'> & {
    database: Database<Record<string, unknown>>;
    /** `new URL('../drizzle', import.meta.url)` from the subgraph's src/index.ts. */
    migrationsFolder: URL;
  },
): { definition: SubgraphDefinition<TContext>; migrate: () => Promise<void> } {
  const { database, migrationsFolder, ...definition } = parts;
  return {
    definition: {
      ...definition,
      health: async () => {
        await database.sql`select 1`;
      },
      close: () => database.close(),
    },
    migrate: () => migrateSubgraph({ schemaName: parts.name, migrationsFolder: fileURLToPath(migrationsFolder) }),
  };
}
