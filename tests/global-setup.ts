import postgres from 'postgres';
import { migrateAll } from '../scripts/migrate';

/** Recreates the test database and applies every subgraph's migrations, once per test run. */
export default async function setup(): Promise<void> {
  const url = new URL(process.env.DATABASE_URL!);
  const name = url.pathname.slice(1);
  if (!name.endsWith('_test')) throw new Error(`refusing to recreate ${name}: test databases end in _test`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  await sql.unsafe(`drop database if exists "${name}" with (force)`);
  await sql.unsafe(`create database "${name}"`);
  await sql.end();
  await migrateAll(url.toString());
}
