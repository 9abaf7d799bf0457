/**
 * Benchmark plumbing: the whole graph as separate processes (`scripts/start.ts`, as in
 * production) on ports of its own, against a database of its own that is recreated per run.
 */
import { recreateDatabase, REPO_ROOT } from '@marketplace/runtime';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { op } from '../scripts/contract';
import { graphql } from '../scripts/graphql-client';

export const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ecommerce_bench';
const BASE_PORT = Number(process.env.BENCH_BASE_PORT ?? 4400);

export interface RunningGraph {
  url: string;
  /** The process group of the graph's processes (scripts/start.ts leads it). */
  pid: number;
  request<T = any>(operation: string, variables?: Record<string, unknown>, token?: string): Promise<T>;
  stop(): Promise<void>;
}

export async function startGraph(env: Record<string, string> = {}): Promise<RunningGraph> {
  await recreateDatabase(BENCH_DATABASE_URL);
  const ports: Record<string, string> = { PORT: String(BASE_PORT) };
  ['USERS', 'PRODUCTS', 'INVENTORY', 'ORDERS', 'PAYMENTS', 'REVIEWS'].forEach((name, i) => {
    ports[`${name}_PORT`] = String(BASE_PORT + 1 + i);
    ports[`${name}_URL`] = `http://127.0.0.1:${BASE_PORT + 1 + i}`;
  });
  const child: ChildProcess = spawn(join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/start.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: BENCH_DATABASE_URL, LOG_LEVEL: 'warn', ...ports, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  const base = `http://127.0.0.1:${BASE_PORT}`;
  for (let waited = 0; ; waited += 250) {
    if (child.exitCode !== null) throw new Error('the graph exited while starting');
    if (waited > 120_000) throw new Error('the graph did not become healthy');
    if (await fetch(`${base}/health`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url: `${base}/graphql`,
    pid: child.pid!,
    async request(operation, variables = {}, token) {
      const res = await graphql(`${base}/graphql`, op(operation), variables, { token });
      if (res.errors?.length) throw new Error(`${operation}: ${JSON.stringify(res.errors)}`);
      return res.data as any;
    },
    async stop() {
      process.kill(-child.pid!, 'SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
export async function pool<T, R>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!, i);
      }
    }),
  );
  return results;
}

export function percentile(sortedMs: number[], p: number): number {
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor((p / 100) * sortedMs.length))]!;
}
