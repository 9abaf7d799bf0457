import { recreateDatabase } from '@marketplace/runtime';
import { migrateAll } from '../scripts/migrate';

/** Recreates the test database and applies every subgraph's migrations, once per test run. */
export default async function setup(): Promise<void> {
  const url = process.env.DATABASE_URL!;
  const name = new URL(url).pathname.slice(1);
  if (!name.endsWith('_test')) throw new Error(`refusing to recreate ${name}: test databases end in _test`);
  await recreateDatabase(url);
  await migrateAll(url);
}
