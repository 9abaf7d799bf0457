import { REPO_ROOT } from '@marketplace/runtime';
import { spawn } from 'node:child_process';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';

/** A database of this test's own, next to the run's test database, dropped before and after. */
const testUrl = new URL(process.env.DATABASE_URL!);
const name = `${testUrl.pathname.slice(1).replace(/_test$/, '')}_migrate_test`;
const url = Object.assign(new URL(testUrl), { pathname: `/${name}` }).toString();
const admin = postgres(Object.assign(new URL(testUrl), { pathname: '/postgres' }).toString(), { max: 1, onnotice: () => {} });

async function dropDatabase() {
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
}

/** `migrate` as the image runs it: a process of its own. */
function runMigrate(): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/serve.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, SERVICE: 'migrate', DATABASE_URL: url, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

afterAll(async () => {
  await dropDatabase();
  await admin.end();
});

describe('migrate', () => {
  it('several instances started at once on a fresh database all succeed, and apply each migration once', async () => {
    await dropDatabase();
    const runs = await Promise.all([runMigrate(), runMigrate(), runMigrate()]);
    for (const run of runs) expect(run, run.output).toMatchObject({ code: 0 });

    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const applied = await sql<{ schema: string; count: number }[]>`
        select table_schema as schema from information_schema.tables where table_name = '__drizzle_migrations' order by 1`;
      expect(applied.length).toBeGreaterThan(0);
      for (const { schema } of applied) {
        const [{ total, distinct }] = await sql.unsafe(`select count(*)::int as total, count(distinct hash)::int as distinct from "${schema}".__drizzle_migrations`);
        expect({ schema, total }).toEqual({ schema, total: distinct });
      }
    } finally {
      await sql.end();
    }
    // Run again: nothing left to do, still success.
    expect((await runMigrate()).code).toBe(0);
  });
});
