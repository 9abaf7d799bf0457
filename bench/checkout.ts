/**
 * `pnpm bench:checkout` — checkout throughput under contention and latency without it, on the
 * graph running as separate processes (gateway and every subgraph) on this machine.
 *  A. 1000 buyers check out at once, contending for 100 units of one variant: confirmed
 *     checkouts per second, and the number sold (must be exactly 100: 0 oversold).
 *  B. 50 concurrent buyers without contention (each buying its own stocked variant), 500
 *     checkouts: p50/p95/p99 latency and throughput.
 * Results are printed and appended to bench/results/checkout.md.
 */
import { appendFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { randomUUID } from 'node:crypto';
import { setting } from '@marketplace/runtime';
import { benchStore, graphTopology, percentile, pool, startGraph, type RunningGraph } from './support';

const CONTENDERS = setting('BENCH_CONTENDERS');
const UNITS = setting('BENCH_UNITS');
const UNCONTENDED = setting('BENCH_UNCONTENDED');
const CONCURRENCY = setting('BENCH_CONCURRENCY') ?? 50;

async function shoppers(graph: RunningGraph, count: number) {
  return pool(Array.from({ length: count }), 32, async () => {
    const reg = await graph.request('Register', { input: { email: `${randomUUID()}@bench.test`, password: 'bench-password', name: 'Bench' } });
    const token = reg.register.accessToken as string;
    const address = await graph.request(
      'AddAddress',
      { input: { fullName: 'Bench Buyer', line1: '1 Main St', city: 'New York', region: 'NY', postalCode: '10001', country: 'US' } },
      token,
    );
    return { token, addressId: address.addAddress.address.id as string };
  });
}

/** CPU milliseconds per checkout between two readings, graph processes and Postgres apart. */
function cpuPer(before: { graph: number; postgres: number }, after: { graph: number; postgres: number }, checkouts: number): string {
  const ms = (seconds: number) => ((seconds * 1000) / checkouts).toFixed(1);
  return `${ms(after.graph - before.graph + after.postgres - before.postgres)} ms (graph ${ms(after.graph - before.graph)}, Postgres ${ms(after.postgres - before.postgres)})`;
}

/** The machine is shared: the load average says how much of it the run had. */
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

async function main() {
  const loadBefore = load();
  const graph = await startGraph({ PASSWORD_HASH_COST: 'test' });
  try {
    const { newVariant } = await benchStore(graph);
    const checkout = (b: { token: string; addressId: string }) =>
      graph.request('Checkout', { input: { idempotencyKey: randomUUID(), shippingAddressId: b.addressId, paymentToken: 'tok_visa' } }, b.token);

    // A. contention
    console.log(`preparing ${CONTENDERS} buyers…`);
    const contenders = await shoppers(graph, CONTENDERS);
    const hot = await newVariant(UNITS);
    await pool(contenders, 32, (b) => graph.request('AddToCart', { variantId: hot.variantId, quantity: 1 }, b.token));
    const cpuBeforeA = await graph.cpuSeconds();
    const startedA = performance.now();
    const outcomes = await Promise.all(contenders.map((b) => checkout(b)));
    const secondsA = (performance.now() - startedA) / 1000;
    const cpuA = cpuPer(cpuBeforeA, await graph.cpuSeconds(), CONTENDERS);
    const sold = outcomes.filter((o) => o.checkout.order?.status === 'CONFIRMED').length;
    const refused = outcomes.filter((o) => o.checkout.userErrors[0]?.code === 'INSUFFICIENT_STOCK').length;
    const page = await graph.request('ProductPage', { id: hot.productId });
    const left = page.product.variants[0].stock.available;

    // B. no contention, 50 at a time
    console.log(`preparing ${UNCONTENDED} uncontended checkouts…`);
    const buyers = await shoppers(graph, UNCONTENDED);
    const variants = await pool(buyers, 16, () => newVariant(10));
    await pool(buyers, 32, (b, i) => graph.request('AddToCart', { variantId: variants[i]!.variantId, quantity: 1 }, b.token));
    const latencies: number[] = [];
    const cpuBeforeB = await graph.cpuSeconds();
    const startedB = performance.now();
    const confirmedB = await pool(buyers, CONCURRENCY, async (b) => {
      const t = performance.now();
      const o = await checkout(b);
      latencies.push(performance.now() - t);
      return o.checkout.order?.status === 'CONFIRMED';
    });
    const secondsB = (performance.now() - startedB) / 1000;
    const cpuB = cpuPer(cpuBeforeB, await graph.cpuSeconds(), UNCONTENDED);
    latencies.sort((a, b) => a - b);

    const report = [
      `## ${new Date().toISOString()} — ${graphTopology()}; ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'}), load average ${loadBefore} before, ${load()} after`,
      `- A. ${CONTENDERS} buyers for ${UNITS} units: ${sold} confirmed, ${refused} INSUFFICIENT_STOCK, ${outcomes.length - sold - refused} other; available afterwards ${left}; oversold ${Math.max(0, sold - UNITS)}.`,
      `  All ${CONTENDERS} answered in ${secondsA.toFixed(2)} s: ${(sold / secondsA).toFixed(0)} confirmed checkouts/s, ${(CONTENDERS / secondsA).toFixed(0)} checkouts answered/s. CPU per checkout: ${cpuA}.`,
      `- B. ${UNCONTENDED} checkouts, ${CONCURRENCY} concurrent, no contention: ${confirmedB.filter(Boolean).length} confirmed in ${secondsB.toFixed(2)} s (${(UNCONTENDED / secondsB).toFixed(0)}/s); latency p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms. CPU per checkout: ${cpuB}.`,
      '',
    ].join('\n');
    console.log(report);
    if (setting('BENCH_WRITE_RESULTS') === '1') appendFileSync(new URL('./results/checkout.md', import.meta.url), `${report}\n`);
  } finally {
    await graph.stop();
  }
}

await main();
process.exit(0);
