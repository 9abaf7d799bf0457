import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { generateKeyEnv } from './packages/runtime/src/keys';
import { setting } from './packages/runtime/src/settings';
import { UNLIMITED_TRAFFIC } from './scripts/unlimited-traffic';

/**
 * Tests run against the real Postgres and Redis, in a database of their own (never the dev one),
 * recreated and migrated once per run by tests/global-setup.ts. Keys are fresh per run.
 */
const TEST_DATABASE_URL = setting('TEST_DATABASE_URL');

const testEnv: Record<string, string> = {
  NODE_ENV: 'test',
  DATABASE_URL: TEST_DATABASE_URL,
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  // Cheaper password hashing keeps hundreds of test sign-ups fast; production uses the defaults.
  PASSWORD_HASH_COST: 'test',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  // Test files run side by side, each with a whole graph (some with extra processes): small pools
  // keep them under Postgres' default 100 connections.
  DB_POOL_SIZE: process.env.DB_POOL_SIZE ?? '4',
  ...UNLIMITED_TRAFFIC,
  // The machine running the suite is often loaded far past what production would be: deadlines meant
  // for production would trip circuit breakers there. The resilience tests set short ones themselves.
  SUBGRAPH_QUERY_TIMEOUT_MS: '15000',
  INTERNAL_CALL_TIMEOUT_MS: '15000',
  // Notifications without SMTP_URL are written as files: not into the repository.
  MAIL_DROP_DIR: join(tmpdir(), 'marketplace-test-mail'),
  // Test files share the database and the consumer group: only the delivery test's process, with
  // its own SMTP server, sends (tests/notifications.test.ts turns it on).
  NOTIFICATION_DELIVERY: 'off',
  ...(await generateKeyEnv()),
};
// The global setup runs in this process; test files get the same environment through `env`.
Object.assign(process.env, testEnv);

export default defineConfig({
  // Apollo's packages are CommonJS and require graphql's CJS build; ours must share that one copy.
  resolve: { alias: { graphql: 'graphql/index.js' } },
  test: {
    include: ['subgraphs/*/test/**/*.test.ts', 'gateway/test/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'tests/**/*.test.ts', 'web/test/**/*.test.ts', 'web/e2e/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    env: testEnv,
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
