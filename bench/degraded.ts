/**
 * `pnpm bench:degraded` — what a failure costs shoppers: p50/p95 of a search (the contract's
 * `Catalog`) and a product page (`ProductPage`), anonymous, on the graph as separate processes
 * (`scripts/start.ts`) with a Redis of its own (port BENCH_BASE_PORT + 9), in three states:
 *  1. every service up;
 *  2. Redis down (killed): no response cache, counters and events wait in their fallbacks;
 *  3. Redis back, the reviews subgraph frozen (SIGSTOP): its fields null with SERVICE_UNAVAILABLE,
 *     each fetch abandoned at its deadline until the circuit opens, then refused at once.
 * BENCH_REQUESTS requests per operation and state (default 2000; a small run: 300), 10 concurrent
 * clients. Results are printed and appended to bench/results/degraded.md.
 */
import { setting } from '@marketplace/runtime';
import { appendFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { Pool } from 'undici';
import { op } from '../scripts/contract';
import { startRedisServer } from '../scripts/redis-server';
import { graphProcessPid, percentile, pool, startGraph, type RunningGraph } from './support';

const REQUESTS = setting('BENCH_REQUESTS');
const CONCURRENCY = setting('BENCH_CONCURRENCY') ?? 10;
const PRODUCTS = 40;
const REDIS_PORT = setting('BENCH_BASE_PORT') + 9;

async function seed(graph: RunningGraph): Promise<string[]> {
  const admin = (await graph.request('Login', { email: 'admin@marketplace.local', password: 'admin-password' })).login.accessToken;
  const categoryId = (await graph.request('CreateCategory', { input: { name: 'Lamps', slug: 'lamps' } }, admin)).createCategory.category.id;
  const warehouseId = (await graph.request('CreateWarehouse', { input: { code: 'WH-1', name: 'East', region: 'NY' } }, admin)).createWarehouse
    .warehouse.id;
  const registered = await graph.request('Register', { input: { email: 'seller@bench.test', password: 'bench-password', name: 'Seller' } });
  const seller = (await graph.request('BecomeSeller', { storeName: 'Bench Lamps' }, registered.register.accessToken)).becomeSeller.accessToken;
  const ids: string[] = [];
  for (let i = 0; i < PRODUCTS; i++) {
    const input = {
      title: `Desk lamp ${i}`,
      description: 'A lamp with a warm light for long evenings.',
      brand: `Brand${i % 5}`,
      categoryId,
      images: [],
      variants: [0, 1].map((v) => ({ sku: `LAMP-${i}-${v}`, title: `Finish ${v}`, attributes: [{ name: 'Finish', value: String(v) }], price: 1500 + i * 10 + v })),
    };
    const product = (await graph.request('CreateProduct', { input }, seller)).createProduct.product;
    ids.push(product.id);
    await graph.request('SetStock', { variantId: product.variants[0].id, warehouseId, onHand: 10 }, seller);
  }
  return ids;
}

interface Figures {
  p50: number;
  p95: number;
  partial: number;
}

/** Sends `operation` REQUESTS times from CONCURRENCY clients; latencies, and how many answers carried errors. */
async function measure(client: Pool, operation: string, variables: () => Record<string, unknown>): Promise<Figures> {
  let partial = 0;
  const latencies = await pool(Array.from({ length: REQUESTS }), CONCURRENCY, async () => {
    const started = performance.now();
    const res = await client.request({
      path: '/graphql',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: op(operation), variables: variables() }),
    });
    const body = (await res.body.json()) as { errors?: unknown[] };
    if (body.errors?.length) partial++;
    return performance.now() - started;
  });
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), partial };
}

let redis = await startRedisServer(REDIS_PORT);
const graph = await startGraph({ REDIS_URL: redis.url });
const rows: string[] = [];
try {
  const productIds = await seed(graph);
  const client = new Pool(graph.url.replace('/graphql', ''), { connections: 32 });
  const pick = () => productIds[Math.floor(Math.random() * productIds.length)]!;
  const search = () => ({ query: `lamp ${Math.floor(Math.random() * PRODUCTS)}`, first: 20 });
  const phase = async (state: string) => {
    // Warm-up: connections, query plans, the circuit's state.
    await measure(client, 'ProductPage', () => ({ id: pick() }));
    for (const [operation, variables] of [
      ['Catalog', search],
      ['ProductPage', () => ({ id: pick() })],
    ] as const) {
      const figures = await measure(client, operation, variables);
      const row = `| ${state} | ${operation} | ${figures.p50.toFixed(1)} | ${figures.p95.toFixed(1)} | ${figures.partial} |`;
      console.log(row);
      rows.push(row);
    }
  };

  await phase('all up');
  await redis.stop();
  await phase('Redis down');
  redis = await startRedisServer(REDIS_PORT);
  const reviews = graphProcessPid(graph, 'subgraphs/reviews/src/main.ts');
  process.kill(reviews, 'SIGSTOP');
  try {
    await phase('reviews frozen');
  } finally {
    process.kill(reviews, 'SIGCONT');
  }
  await client.close();
} finally {
  await graph.stop();
  await redis.stop();
}

if (setting('BENCH_WRITE_RESULTS') === '1') {
  const [load1] = loadavg();
  appendFileSync(
    new URL('./results/degraded.md', import.meta.url),
    [
      `\n## ${new Date().toISOString()} — ${REQUESTS} requests per row, ${CONCURRENCY} clients, ${PRODUCTS} products; ` +
        `${cpus().length} CPUs, load ${load1!.toFixed(1)} at the end`,
      '',
      '| state | operation | p50 ms | p95 ms | answers with errors |',
      '| --- | --- | --- | --- | --- |',
      ...rows,
      '',
    ].join('\n'),
  );
}
