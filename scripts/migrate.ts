/**
 * `migrate` (the image's migration step, the Kubernetes Job, compose's one-shot service): creates the
 * database if missing and applies every subgraph's migrations, each in its own Postgres schema.
 */
import { ensureDatabaseExists, migrateSubgraph, REPO_ROOT, setting, SUBGRAPHS, validateSettingsOrExit } from '@marketplace/runtime';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export async function migrateAll(url: string = setting('DATABASE_URL')): Promise<void> {
  await ensureDatabaseExists(url);
  for (const { name } of SUBGRAPHS) {
    const migrationsFolder = join(REPO_ROOT, 'subgraphs', name, 'drizzle');
    if (!existsSync(join(migrationsFolder, 'meta', '_journal.json'))) continue;
    await migrateSubgraph({ url, schemaName: name, migrationsFolder });
  }
}

export async function main(): Promise<void> {
  validateSettingsOrExit();
  await migrateAll();
  console.log('migrated');
  process.exit(0);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
