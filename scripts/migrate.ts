/** Applies every subgraph's migrations to `url` (each in its own Postgres schema). */
import { ensureDatabaseExists, migrateSubgraph, REPO_ROOT, SUBGRAPHS, validateSettingsOrExit } from '@marketplace/runtime';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export async function migrateAll(url?: string): Promise<void> {
  await ensureDatabaseExists(url);
  for (const { name } of SUBGRAPHS) {
    const migrationsFolder = join(REPO_ROOT, 'subgraphs', name, 'drizzle');
    if (!existsSync(join(migrationsFolder, 'meta', '_journal.json'))) continue;
    await migrateSubgraph({ url, schemaName: name, migrationsFolder });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  validateSettingsOrExit();
  await migrateAll();
  console.log('migrated');
}
