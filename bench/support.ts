/**
 * Benchmark plumbing: the whole graph as separate processes (`scripts/start.ts`, as in
 * production) on ports of its own (BENCH_BASE_PORT and one after it per subgraph), against a database of
 * its own (BENCH_DATABASE_URL) that is recreated per run. On a shared machine throughput depends
 * on what else runs; the CPU time the graph and its Postgres backends spend per checkout does not
 * (much), so runs report both.
 */
import { generateKeyEnv, recreateDatabase, REPO_ROOT, setting, SUBGRAPH_NAMES } from '@marketplace/runtime';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { op } from '../scripts/contract';
import { UNLIMITED_TRAFFIC } from '../scripts/unlimited-traffic';
import { Pool } from 'undici';

export const BENCH_DATABASE_URL = setting('BENCH_DATABASE_URL');
const BASE_PORT = setting('BENCH_BASE_PORT');

export interface RunningGraph {
  url: string;
  /** The process group of the graph's processes (scripts/start.ts leads it). */
  pid: number;
  request<T = any>(operation: string, variables?: Record<string, unknown>, token?: string): Promise<T>;
  /** CPU seconds used so far by the graph's processes and by the Postgres backends serving its database. */
  cpuSeconds(): Promise<{ graph: number; postgres: number }>;
  /** The same, by service (`gateway`, each subgraph, `postgres`). */
  cpuSecondsByService(): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** User + system CPU seconds of a process (0 once it is gone), from /proc. */
export function processCpuSeconds(pid: number): number {
  try {
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU seconds used so far by the Postgres backends serving `url`'s database (`sql` is a connection to it). */
export async function postgresCpuSeconds(sql: postgres.Sql, url: string = BENCH_DATABASE_URL): Promise<number> {
  const databaseName = new URL(url).pathname.slice(1);
  const backends = await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${databaseName} and pid <> pg_backend_pid()`;
  return backends.reduce((total, { pid }) => total + processCpuSeconds(pid), 0);
}

/** Pids of the processes in a process group. */
export function processGroup(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[2]) === pgid;
      } catch {
        return false;
      }
    });
}

/** A graph process's SERVICE_NAME (scripts/start.ts sets it), or `start` for the supervisor itself. */
function serviceOf(pid: number): string {
  try {
    const variable = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((v) => v.startsWith('SERVICE_NAME='));
    return variable?.slice('SERVICE_NAME='.length) ?? 'start';
  } catch {
    return 'start';
  }
}

/** The pid of one of the graph's processes, by its entry point (e.g. `gateway/src/main.ts`). */
export function graphProcessPid(graph: RunningGraph, entry: string): number {
  const pid = processGroup(graph.pid).find((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(entry));
  if (pid === undefined) throw new Error(`no ${entry} process in the graph`);
  return pid;
}

/** Which graph a benchmark runs, for its results: the topology, and the commit when it is another checkout's (BENCH_GRAPH_DIR). */
export function graphTopology(): string {
  const dir = setting('BENCH_GRAPH_DIR');
  if (dir) return `seven processes at ${execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()}`;
  if (setting('BENCH_TOPOLOGY') !== 'single') return 'seven processes';
  const workers = setting('SINGLE_PROCESS_WORKERS');
  return workers > 1 ? `single process × ${workers} workers` : 'single process';
}

export async function startGraph(env: Record<string, string> = {}): Promise<RunningGraph> {
  await recreateDatabase(BENCH_DATABASE_URL);
  const ports: Record<string, string> = { PORT: String(BASE_PORT) };
  SUBGRAPH_NAMES.map((name) => name.toUpperCase()).forEach((name, i) => {
    ports[`${name}_PORT`] = String(BASE_PORT + 1 + i);
    ports[`${name}_URL`] = `http://127.0.0.1:${BASE_PORT + 1 + i}`;
  });
  // BENCH_TOPOLOGY=single: the graph as one process (`pnpm start:single`), SERVICE_NAME `marketplace`.
  const single = setting('BENCH_TOPOLOGY') === 'single';
  // Node with tsx's loader (as scripts/start.ts runs each process), so CPU_PROFILE_DIR can profile
  // the single process too (start.ts passes the flags on to its children itself).
  const profileDir = setting('CPU_PROFILE_DIR');
  const profiling = single && profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  // BENCH_GRAPH_DIR: an earlier commit's graph (its own `pnpm start`), measured by this bench.
  const graphDir = setting('BENCH_GRAPH_DIR');
  if (graphDir && single) throw new Error('BENCH_GRAPH_DIR runs seven processes (pnpm start); unset BENCH_TOPOLOGY');
  const child: ChildProcess = spawn(process.execPath, [...profiling, '--import', 'tsx', single ? 'scripts/start-single.ts' : 'scripts/start.ts'], {
    cwd: graphDir ?? REPO_ROOT,
    env: {
      ...process.env,
      // As deployed: production mode (graphql-js skips its development checks; keys and the
      // operator account come from the environment, here made up for the run).
      NODE_ENV: 'production',
      ...(await generateKeyEnv()),
      ADMIN_EMAIL: 'admin@marketplace.local',
      ADMIN_PASSWORD: 'admin-password',
      DATABASE_URL: BENCH_DATABASE_URL,
      LOG_LEVEL: 'warn',
      // One client machine plays thousands of shoppers (and bench:subscriptions' 10,000 subscribers)
      // from one address, sending documents as text: traffic limits, measured by bench:traffic, must
      // not throttle what these measure.
      ...UNLIMITED_TRAFFIC,
      TRUSTED_DOCUMENTS: 'allow',
      ...ports,
      ...(single ? { SERVICE_NAME: 'marketplace' } : {}),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  const base = `http://127.0.0.1:${BASE_PORT}`;
  const admin = postgres(BENCH_DATABASE_URL, { max: 1, onnotice: () => {} });
  for (let waited = 0; ; waited += 250) {
    if (child.exitCode !== null) throw new Error('the graph exited while starting');
    if (waited > 120_000) throw new Error('the graph did not become healthy');
    if (await fetch(`${base}/health`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const cpuSecondsByService = async () => {
    const used = new Map<string, number>();
    const add = (name: string, seconds: number) => used.set(name, (used.get(name) ?? 0) + seconds);
    for (const pid of processGroup(child.pid!)) add(serviceOf(pid), processCpuSeconds(pid));
    add('postgres', await postgresCpuSeconds(admin));
    return used;
  };
  // undici's own API rather than fetch (built on it): the client shares the machine's two cores
  // with the graph, and fetch costs it about three times the CPU per request.
  const connections = new Pool(base, { connections: 64 });
  return {
    url: `${base}/graphql`,
    pid: child.pid!,
    async request(operation, variables = {}, token) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      const res = await connections.request({ path: '/graphql', method: 'POST', headers, body: JSON.stringify({ query: op(operation), variables }) });
      const result = (await res.body.json()) as { data?: any; errors?: unknown[] };
      if (result.errors?.length) throw new Error(`${operation}: ${JSON.stringify(result.errors)}`);
      return result.data;
    },
    cpuSecondsByService,
    async cpuSeconds() {
      const byService = await cpuSecondsByService();
      const postgresSeconds = byService.get('postgres') ?? 0;
      return { graph: [...byService.values()].reduce((a, b) => a + b, 0) - postgresSeconds, postgres: postgresSeconds };
    },
    async stop() {
      await connections.close();
      await admin.end();
      process.kill(-child.pid!, 'SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** A store to benchmark with: a category, a warehouse, a seller, and a way to list stocked items. */
export async function benchStore(graph: RunningGraph) {
  const admin = (await graph.request('Login', { email: 'admin@marketplace.local', password: 'admin-password' })).login.accessToken;
  const category = (await graph.request('CreateCategory', { input: { name: 'Bench', slug: 'bench' } }, admin)).createCategory.category;
  const warehouse = (await graph.request('CreateWarehouse', { input: { code: 'BENCH-1', name: 'Bench', region: 'NY' } }, admin)).createWarehouse.warehouse;
  const sellerReg = await graph.request('Register', { input: { email: 'seller@bench.test', password: 'bench-password', name: 'Seller' } });
  const sellerToken: string = (await graph.request('BecomeSeller', { storeName: 'Bench Store' }, sellerReg.register.accessToken)).becomeSeller.accessToken;
  const setStock = (variantId: string, onHand: number) => graph.request('SetStock', { variantId, warehouseId: warehouse.id, onHand }, sellerToken);
  /** A new one-variant product with `units` on hand. */
  const newVariant = async (units: number, title = `Bench item ${randomUUID().slice(0, 6)}`) => {
    const product = (
      await graph.request(
        'CreateProduct',
        { input: { title, description: '', brand: 'Bench', categoryId: category.id, variants: [{ sku: randomUUID().slice(0, 12), title: 'One', price: 1999 }] } },
        sellerToken,
      )
    ).createProduct.product;
    await setStock(product.variants[0].id, units);
    return { productId: product.id as string, variantId: product.variants[0].id as string };
  };
  return { sellerToken, setStock, newVariant };
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
