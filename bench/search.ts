/**
 * `pnpm bench:search` — catalog search latency at the gateway, on the graph running as separate
 * processes (gateway + 6 subgraphs) on this machine, over 100,000 active products.
 *  - Seeding: categories and sellers through the graph, then the products and their variants in
 *    bulk SQL into products' tables of the bench database (100k GraphQL mutations would take long).
 *  - A. the contract's `Catalog` operation with a full-text query (one or two words), 20 per page,
 *    with facets, total count and each product's stock, rating and store name (products' copies), sent
 *    anonymously (shoppers, signed in or not, share the gateway's response cache); A'. the same by
 *    store staff, whom the cache never serves: the cost of a search that misses it; A''. shoppers'
 *    searches again, arriving at a steady rate (BENCH_STEADY_RATE, default 200/s) instead of from
 *    clients sending back to back, from a catalog change on.
 *  - B. the contract's `Suggest` operation: prefixes a shopper types (2–6 letters of a title's
 *    first word), one in four with a typo.
 * 20 concurrent clients for A, A' and B; p50/p95/p99 latency. Goal: p95 < 50 ms. Results are printed and
 * appended to bench/results/search.md.
 */
import { bumpCatalogVersion, closeCommandRedis, setting } from '@marketplace/runtime';
import { appendFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { BENCH_DATABASE_URL, percentile, pool, processCpuSeconds, startGraph, type RunningGraph } from './support';

const PRODUCTS = setting('BENCH_PRODUCTS');
const REQUESTS = setting('BENCH_REQUESTS');
const CONCURRENCY = setting('BENCH_CONCURRENCY') ?? 20;
/** Searches per second of the steady-rate phase (A''): well below what 20 clients get served. */
const STEADY_RATE = setting('BENCH_STEADY_RATE');
const WARMUP = 200;

const ADJECTIVES = [
  'Compact', 'Classic', 'Deluxe', 'Ergonomic', 'Foldable', 'Heavy-duty', 'Insulated', 'Lightweight', 'Modern', 'Portable',
  'Premium', 'Rugged', 'Sleek', 'Smart', 'Stainless', 'Vintage', 'Waterproof', 'Wireless', 'Bamboo', 'Ceramic',
];
const NOUNS = [
  'backpack', 'blender', 'camera', 'chair', 'desk', 'drill', 'headphones', 'jacket', 'kettle', 'keyboard',
  'lamp', 'lantern', 'mixer', 'monitor', 'mug', 'notebook', 'pan', 'speaker', 'stove', 'tent',
  'thermos', 'toaster', 'umbrella', 'vacuum', 'wallet', 'watch', 'bottle', 'blanket', 'router', 'sneakers',
];
const MATERIALS = ['steel', 'oak', 'cotton', 'leather', 'aluminium', 'glass', 'wool', 'silicone', 'carbon', 'linen'];
const BRANDS = Array.from({ length: 60 }, (_, i) => `Brand${String(i).padStart(2, '0')}`);

const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)]!;

async function seed(graph: RunningGraph) {
  const admin = (await graph.request('Login', { email: 'admin@marketplace.local', password: 'admin-password' })).login.accessToken;
  const categoryIds: string[] = [];
  for (let root = 0; root < 5; root++) {
    const parent = (await graph.request('CreateCategory', { input: { name: `Department ${root}`, slug: `dept-${root}` } }, admin)).createCategory.category;
    categoryIds.push(parent.id);
    for (let child = 0; child < 5; child++) {
      const input = { name: `Aisle ${root}.${child}`, slug: `aisle-${root}-${child}`, parentId: parent.id };
      categoryIds.push((await graph.request('CreateCategory', { input }, admin)).createCategory.category.id);
    }
  }
  const sellerIds: string[] = [];
  for (let i = 0; i < 10; i++) {
    const reg = await graph.request('Register', { input: { email: `seller${i}@bench.test`, password: 'bench-password', name: `Seller ${i}` } });
    sellerIds.push((await graph.request('BecomeSeller', { storeName: `Bench Store ${i}` }, reg.register.accessToken)).becomeSeller.seller.id);
  }

  const sql = postgres(BENCH_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    // One statement each: titles "<Adjective> <noun> <material> <n>", a few sentences of description,
    // prices 5 to 500 dollars, a category, brand and store each; the copies of stock and rating too
    // (filters and sorts read them), with about 70% in stock and 60% rated.
    await sql`
      with picks as (
        select i,
               (${ADJECTIVES}::text[])[1 + floor(random() * ${ADJECTIVES.length})::int] as adjective,
               (${NOUNS}::text[])[1 + floor(random() * ${NOUNS.length})::int] as noun,
               (${MATERIALS}::text[])[1 + floor(random() * ${MATERIALS.length})::int] as material,
               (${NOUNS}::text[])[1 + floor(random() * ${NOUNS.length})::int] as other_noun
        from generate_series(1, ${PRODUCTS}) as i
      )
      insert into products.products (seller_id, category_id, title, description, brand, images, status, min_price, currency_code,
                                     in_stock, rating_average, rating_count, created_at)
      select (${sellerIds}::uuid[])[1 + floor(random() * ${sellerIds.length})::int],
             (${categoryIds}::uuid[])[1 + floor(random() * ${categoryIds.length})::int],
             adjective || ' ' || noun || ' ' || material || ' ' || i,
             'A ' || lower(adjective) || ' ' || noun || ' made of ' || material || '. Built for everyday use, easy to clean and backed by a '
               || (1 + i % 5) || '-year warranty. Pairs well with our ' || other_noun || '.',
             (${BRANDS}::text[])[1 + floor(random() * ${BRANDS.length})::int],
             array['https://img.bench/' || i || '.jpg'],
             'ACTIVE', 500 + floor(random() * 49500)::int, 'USD',
             random() < 0.7,
             case when random() < 0.6 then round((1 + random() * 4)::numeric, 2)::float8 else 0 end,
             (random() * 50)::int,
             now() - make_interval(secs => i)
      from picks`;
    await sql`update products.products set rating_count = 0 where rating_average = 0`;
    await sql`
      insert into products.variants (product_id, seller_id, sku, title, price, currency_code, position)
      select id, seller_id, 'SKU-' || replace(id::text, '-', ''), 'Standard', min_price, 'USD', 0 from products.products`;
    await sql`vacuum analyze products.products`;
    await sql`vacuum analyze products.variants`;
  } finally {
    await sql.end();
  }
}

/** A search a shopper might type: one word, or a noun and a material. */
const searchText = () => (Math.random() < 0.5 ? pick(NOUNS) : `${pick(MATERIALS)} ${pick(NOUNS)}`);

/** What a shopper has typed of a title's first word, one time in four with a letter wrong. */
function typedPrefix(): string {
  const word = pick(ADJECTIVES).toLowerCase();
  const typed = word.slice(0, 2 + Math.floor(Math.random() * 5));
  if (Math.random() >= 0.25 || typed.length < 4) return typed;
  const at = 1 + Math.floor(Math.random() * (typed.length - 1));
  return `${typed.slice(0, at)}${typed[at] === 'x' ? 'y' : 'x'}${typed.slice(at + 1)}`;
}

/** CPU ms per request of each service between two readings in seconds (processes and backends persist between them). */
function cpuPerRequest(before: Map<string, number>, after: Map<string, number>, requests: number): string {
  const perRequest = [...after].map(([name, s]) => [name, ((s - (before.get(name) ?? 0)) * 1000) / requests] as const).filter(([, ms]) => ms >= 0.05);
  const total = perRequest.reduce((sum, [, ms]) => sum + ms, 0);
  const parts = perRequest.sort((a, b) => b[1] - a[1]).map(([name, ms]) => `${name} ${ms.toFixed(1)}`);
  return `${total.toFixed(1)} ms CPU per request (${parts.join(', ')})`;
}

/** p50/p95 of some latencies, e.g. `p50 12 ms, p95 40 ms (180 requests)`. */
function summary(latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms (${sorted.length} requests)`;
}

/** A request that may name its kind (latencies are then also given per kind). */
type Work = () => Promise<string | void>;
/** Clients sending back to back, or requests arriving at a steady rate whatever the answers' pace. */
type Load = { concurrency: number } | { ratePerSecond: number };

/**
 * Sends `count` requests under `load`, recording each one's latency. At a steady rate a request is
 * timed from when it was due, so a slow answer is not hidden by the requests it delayed.
 */
async function drive(count: number, load: Load, work: Work, record: (kind: string | void, ms: number) => void = () => {}) {
  if ('concurrency' in load) {
    await pool(Array.from({ length: count }), load.concurrency, async () => {
      const started = performance.now();
      const kind = await work();
      record(kind, performance.now() - started);
    });
    return;
  }
  const interval = 1000 / load.ratePerSecond;
  const start = performance.now();
  const answers: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = start + i * interval;
    if (due > performance.now()) await sleep(due - performance.now());
    answers.push(work().then((kind) => record(kind, performance.now() - due)));
  }
  await Promise.all(answers);
}

async function measure(graph: RunningGraph, label: string, work: Work, load: Load = { concurrency: CONCURRENCY }) {
  await drive(WARMUP, load, work);
  const cpuBefore = await graph.cpuSecondsByService();
  cpuBefore.set('benchmark client', processCpuSeconds(process.pid));
  const latencies: number[] = [];
  const byKind = new Map<string, number[]>();
  const started = performance.now();
  await drive(REQUESTS, load, work, (kind, ms) => {
    latencies.push(ms);
    if (!kind) return;
    if (!byKind.has(kind)) byKind.set(kind, []);
    byKind.get(kind)!.push(ms);
  });
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = await graph.cpuSecondsByService();
  cpuAfter.set('benchmark client', processCpuSeconds(process.pid));
  const cpu = cpuPerRequest(cpuBefore, cpuAfter, REQUESTS);
  latencies.sort((a, b) => a - b);
  const kinds = [...byKind].map(([kind, ms]) => `${kind}: ${summary(ms)}`).join('; ');
  const figures = { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), rate: REQUESTS / seconds, cpu, kinds };
  console.log(label, figures);
  return figures;
}

async function main() {
  // Smaller pools than the default 10 per process: the machine's Postgres is shared.
  const graph = await startGraph({ PASSWORD_HASH_COST: 'test', DB_POOL_SIZE: process.env.DB_POOL_SIZE ?? '6' });
  try {
    console.log(`seeding ${PRODUCTS} products…`);
    const seedStarted = performance.now();
    await seed(graph);
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    let matched = 0;
    let searches = 0;
    // A search's first sight in a phase: neither the gateway nor products has its answer yet.
    const searchAs = (token?: string) => {
      const seen = new Set<string>();
      return async () => {
        const query = searchText();
        const kind = seen.has(query) ? 'repeated searches' : 'first sights';
        seen.add(query);
        const result = await graph.request('Catalog', { query, first: 20 }, token);
        matched = matched + result.products.totalCount;
        searches = searches + 1;
        if (result.products.edges.length !== 20 || result.products.facets.brands.length === 0) throw new Error('a search found too little');
        return kind;
      };
    };
    const catalog = await measure(graph, 'Catalog', searchAs());
    // Store staff's searches are never answered from the gateway's response cache (their view of
    // the catalog includes their stores' drafts): what a search costs when it misses there.
    const staff = (await graph.request('Register', { input: { email: 'staff@bench.test', password: 'bench-password', name: 'Staff' } })).register.accessToken;
    const staffToken = (await graph.request('BecomeSeller', { storeName: 'Staff Store' }, staff)).becomeSeller.accessToken;
    const staffSearch = await measure(graph, 'Catalog as store staff', searchAs(staffToken));
    // The same shoppers' searches arriving at a steady rate, as a storefront's traffic does, after a
    // catalog change (which every cache starts over from), so first sights come as often as in A.
    await bumpCatalogVersion();
    const steady = await measure(graph, 'Catalog at a steady rate', searchAs(), { ratePerSecond: STEADY_RATE });
    let suggested = 0;
    const suggest = await measure(graph, 'Suggest', async () => {
      const result = await graph.request('Suggest', { prefix: typedPrefix() });
      suggested = suggested + result.productSuggestions.length;
    });

    const ms = (n: number) => `${n.toFixed(0)} ms`;
    const report = [
      `## ${new Date().toISOString()} — ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'})`,
      `- ${PRODUCTS} active products seeded in ${seedSeconds.toFixed(0)} s; ${CONCURRENCY} concurrent clients, ${REQUESTS} requests each after ${WARMUP} to warm up.`,
      `- A. Catalog, full-text query with facets, anonymous (about ${Math.round(matched / searches)} matches per search on average): p50 ${ms(catalog.p50)}, p95 ${ms(catalog.p95)}, p99 ${ms(catalog.p99)}; ${catalog.rate.toFixed(0)} searches/s; ${catalog.cpu}. By kind: ${catalog.kinds}.`,
      `- A'. the same searches by store staff (never served from the gateway's response cache): p50 ${ms(staffSearch.p50)}, p95 ${ms(staffSearch.p95)}, p99 ${ms(staffSearch.p99)}; ${staffSearch.rate.toFixed(0)} searches/s; ${staffSearch.cpu}.`,
      `- A''. the same anonymous searches arriving at a steady ${STEADY_RATE}/s (from a catalog change on, so with first sights as in A), timed from when each was due: p50 ${ms(steady.p50)}, p95 ${ms(steady.p95)}, p99 ${ms(steady.p99)}; ${steady.cpu}. By kind: ${steady.kinds}.`,
      `- B. productSuggestions (${(suggested / (REQUESTS + WARMUP)).toFixed(1)} suggestions per prefix on average): p50 ${ms(suggest.p50)}, p95 ${ms(suggest.p95)}, p99 ${ms(suggest.p99)}; ${suggest.rate.toFixed(0)} requests/s; ${suggest.cpu}.`,
      `- Machine load average (1 min) at the end: ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores.`,
      `- Goal p95 < 50 ms: Catalog ${catalog.p95 < 50 ? 'met' : 'not met'} (store staff: ${staffSearch.p95 < 50 ? 'met' : 'not met'}; at a steady ${STEADY_RATE}/s: ${steady.p95 < 50 ? 'met' : 'not met'}), suggestions ${suggest.p95 < 50 ? 'met' : 'not met'}.`,
      '',
    ].join('\n');
    console.log(report);
    appendFileSync(new URL('./results/search.md', import.meta.url), `${report}\n`);
  } finally {
    closeCommandRedis();
    await graph.stop();
  }
}

await main();
process.exit(0);
