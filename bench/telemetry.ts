/**
 * `pnpm bench:telemetry` — what tracing costs. The graph runs as separate processes three times:
 * tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT), and exporting to a collector in this process with
 * sampling 1.0 and 0.1. Each run measures the two workloads of bench:search and bench:checkout at
 * a small size: searches (a seller's, so the response cache answers none) and uncontended
 * checkouts, back to back from BENCH_CONCURRENCY clients. Metrics are on in every run (they always
 * are). Figures: latency, throughput, CPU per request of the graph's processes and of Postgres,
 * spans exported per request. Printed and appended to bench/results/telemetry.md.
 */
import { setting } from '@marketplace/runtime';
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { startOtlpCollector } from '../scripts/otlp-collector';
import { benchStore, percentile, pool, startGraph, type RunningGraph } from './support';

const SEARCHES = setting('BENCH_REQUESTS');
const CHECKOUTS = setting('BENCH_UNCONTENDED');
const CONCURRENCY = setting('BENCH_CONCURRENCY') ?? 10;
/** Products in the catalog searched: enough for pages of results, few enough to seed quickly. */
const PRODUCTS = 200;
const WORDS = ['Trail', 'Runner', 'Wool', 'Linen', 'Lamp', 'Chair', 'Kettle', 'Jacket', 'Boot', 'Desk'];
const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;

interface Figures {
  p50: number;
  p95: number;
  perSecond: number;
  graphCpuMs: number;
  postgresCpuMs: number;
  spansPerRequest: number;
}

async function measure(graph: RunningGraph, count: number, spansReceived: () => number, work: (i: number) => Promise<unknown>): Promise<Figures> {
  const latencies: number[] = [];
  const cpuBefore = await graph.cpuSeconds();
  const spansBefore = spansReceived();
  const started = performance.now();
  await pool(Array.from({ length: count }), CONCURRENCY, async (_, i) => {
    const start = performance.now();
    await work(i);
    latencies.push(performance.now() - start);
  });
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = await graph.cpuSeconds();
  // Spans are exported in batches every few seconds: wait for the last of this phase.
  await new Promise((r) => setTimeout(r, spansReceived() === 0 ? 0 : 6000));
  latencies.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    perSecond: count / seconds,
    graphCpuMs: ((cpuAfter.graph - cpuBefore.graph) * 1000) / count,
    postgresCpuMs: ((cpuAfter.postgres - cpuBefore.postgres) * 1000) / count,
    spansPerRequest: (spansReceived() - spansBefore) / count,
  };
}

async function run(label: string, env: Record<string, string>, spansReceived: () => number) {
  const graph = await startGraph({ PASSWORD_HASH_COST: 'test', ...env });
  try {
    const store = await benchStore(graph);
    await pool(Array.from({ length: PRODUCTS }), 8, () => store.newVariant(50, `${pick(WORDS)} ${pick(WORDS)} ${randomUUID().slice(0, 4)}`));
    const search = () => graph.request('Catalog', { query: pick(WORDS).toLowerCase(), first: 20 }, store.sellerToken);
    await pool(Array.from({ length: 50 }), CONCURRENCY, search); // warm-up
    const searches = await measure(graph, SEARCHES, spansReceived, search);

    const buyers = await pool(Array.from({ length: CHECKOUTS }), 16, async () => {
      const token = (await graph.request('Register', { input: { email: `${randomUUID()}@bench.test`, password: 'bench-password', name: 'Bench' } })).register
        .accessToken as string;
      const address = await graph.request(
        'AddAddress',
        { input: { fullName: 'Bench Buyer', line1: '1 Main St', city: 'New York', region: 'NY', postalCode: '10001', country: 'US' } },
        token,
      );
      const { variantId } = await store.newVariant(5);
      await graph.request('AddToCart', { variantId, quantity: 1 }, token);
      return { token, addressId: address.addAddress.address.id as string };
    });
    const checkouts = await measure(graph, CHECKOUTS, spansReceived, async (i) => {
      const buyer = buyers[i]!;
      const result = await graph.request('Checkout', { input: { idempotencyKey: randomUUID(), shippingAddressId: buyer.addressId, paymentToken: 'tok_visa' } }, buyer.token);
      if (!result.checkout.order) throw new Error(`checkout failed: ${JSON.stringify(result.checkout.userErrors)}`);
    });
    console.log(label, { searches, checkouts });
    return { label, searches, checkouts };
  } finally {
    await graph.stop();
  }
}

async function main() {
  const collector = await startOtlpCollector({ keepSpans: false });
  const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
  const loadBefore = load();
  const tracing = (ratio: string) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_TRACES_SAMPLER_ARG: ratio });
  const runs = [
    await run('tracing off', {}, collector.received),
    await run('sampling 1.0', tracing('1'), collector.received),
    await run('sampling 0.1', tracing('0.1'), collector.received),
  ];
  await collector.stop();

  const row = (label: string, f: Figures) =>
    `| ${label} | ${f.p50.toFixed(1)} | ${f.p95.toFixed(1)} | ${f.perSecond.toFixed(0)} | ${f.graphCpuMs.toFixed(2)} | ${f.postgresCpuMs.toFixed(2)} | ${f.spansPerRequest.toFixed(1)} |`;
  const table = (title: string, pickFigures: (r: (typeof runs)[number]) => Figures) =>
    [
      `**${title}**`,
      '',
      '| tracing | p50 ms | p95 ms | per second | graph CPU ms / request | Postgres CPU ms / request | spans / request |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...runs.map((r) => row(r.label, pickFigures(r))),
    ].join('\n');
  const report = [
    `## ${new Date().toISOString()}`,
    '',
    `${cpus().length} CPUs, load average before ${loadBefore}, after ${load()}; ${CONCURRENCY} clients; ${PRODUCTS} products; ` +
      `${SEARCHES} searches, ${CHECKOUTS} checkouts per run; spans exported over OTLP/HTTP JSON to a collector in the benchmark process.`,
    '',
    table(`Search (${SEARCHES} requests)`, (r) => r.searches),
    '',
    table(`Checkout (${CHECKOUTS} checkouts, uncontended)`, (r) => r.checkouts),
    '',
  ].join('\n');
  console.log(report);
  if (setting('BENCH_WRITE_RESULTS') !== '0') appendFileSync(new URL('./results/telemetry.md', import.meta.url), `${report}\n`);
}

await main();
process.exit(0);
