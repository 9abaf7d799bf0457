/**
 * `pnpm bench:checkout-cost` — the deterministic cost of one checkout: SQL statements sent by all
 * subgraphs (event consumers' work included) and HTTP requests received by the gateway and subgraphs (by path), for a buyer
 * checking out one cart line. The graph runs in this process (scripts/stack.ts) so that one
 * statement counter and one request listener see every process's share. Also the CPU one
 * checkout costs when nothing else of the graph is running (this process, the client included,
 * and the Postgres backends), less sensitive than throughput to what else the machine runs.
 * Uses BENCH_DATABASE_URL (recreated) and REDIS_URL, like `pnpm bench:checkout`.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { loadavg } from 'node:os';
// Settings only: the rest of the runtime is imported below, once the environment is set.
import { setting } from '@marketplace/runtime/settings';

const DATABASE_URL = setting('BENCH_DATABASE_URL');
const CHECKOUTS = setting('BENCH_CHECKOUTS');
const settle = () => new Promise((resolve) => setTimeout(resolve, 500));
// Read by the runtime's logger and pools when first imported, below.
process.env.DATABASE_URL = DATABASE_URL;
process.env.LOG_LEVEL ??= 'warn';
process.env.PASSWORD_HASH_COST = 'test';

const { ensureDevKeys, recreateDatabase, sqlStatements } = await import('@marketplace/runtime');
const { migrateAll } = await import('../scripts/migrate');
const { startStack } = await import('../scripts/stack');
const { op } = await import('../scripts/contract');
const { postgresCpuSeconds } = await import('./support');
const postgres = (await import('postgres')).default;

/** Requests received by every HTTP server of this process, by server and path (`inventory /internal/reserveStock`). */
const received = new Map<string, number>();
const serverByPort = new Map<number, string>();
subscribe('http.server.request.start', (message) => {
  const { request } = message as { request: IncomingMessage };
  const path = request.url?.split('?')[0] ?? '';
  if (path === '/health') return;
  const where = `${serverByPort.get(request.socket.localPort ?? 0) ?? '?'} ${path}`;
  received.set(where, (received.get(where) ?? 0) + 1);
});

/** CPU seconds of this process (the whole graph and this client) and of the Postgres backends serving the database. */
const admin = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
async function cpuSeconds() {
  const { user, system } = process.cpuUsage();
  return { graph: (user + system) / 1e6, postgres: await postgresCpuSeconds(admin, DATABASE_URL) };
}

await ensureDevKeys();
await recreateDatabase(DATABASE_URL);
await migrateAll(DATABASE_URL);
const stack = await startStack();
serverByPort.set(Number(new URL(stack.gatewayUrl).port), 'gateway');
for (const [name, url] of Object.entries(stack.subgraphUrls)) serverByPort.set(Number(new URL(url).port), name);
try {
  const request = async (name: string, variables: Record<string, unknown>, token?: string) => {
    const res = await stack.request(op(name), variables, token);
    if (res.errors?.length) throw new Error(`${name}: ${JSON.stringify(res.errors)}`);
    return res.data as any;
  };
  const admin = (await request('Login', { email: 'admin@marketplace.local', password: 'admin-password' })).login.accessToken;
  const category = (await request('CreateCategory', { input: { name: 'Cost', slug: 'cost' } }, admin)).createCategory.category;
  const warehouse = (await request('CreateWarehouse', { input: { code: 'COST-1', name: 'Cost', region: 'NY' } }, admin)).createWarehouse.warehouse;
  const sellerReg = await request('Register', { input: { email: 'seller@cost.test', password: 'bench-password', name: 'Seller' } });
  const seller = (await request('BecomeSeller', { storeName: 'Cost Store' }, sellerReg.register.accessToken)).becomeSeller.accessToken;
  const product = (
    await request(
      'CreateProduct',
      { input: { title: 'Cost item', description: '', brand: 'Cost', categoryId: category.id, variants: [{ sku: 'COST-1', title: 'One', price: 1999 }] } },
      seller,
    )
  ).createProduct.product;
  const variantId = product.variants[0].id;
  await request('SetStock', { variantId, warehouseId: warehouse.id, onHand: 1000 }, seller);

  const perCheckout: { statements: number; requests: Map<string, number>; graphCpu: number; postgresCpu: number }[] = [];
  for (let i = 0; i <= CHECKOUTS; i++) {
    const reg = await request('Register', { input: { email: `${randomUUID()}@cost.test`, password: 'bench-password', name: 'Buyer' } });
    const token = reg.register.accessToken;
    const address = await request(
      'AddAddress',
      { input: { fullName: 'Cost Buyer', line1: '1 Main St', city: 'New York', region: 'NY', postalCode: '10001', country: 'US' } },
      token,
    );
    await request('AddToCart', { variantId, quantity: 1 }, token);
    // Event consumers work after the fact (reviews records the purchase): let the earlier steps'
    // work finish before counting, and this checkout's land before the count is read.
    await settle();
    const cpuBefore = await cpuSeconds();
    const statementsBefore = sqlStatements.count;
    received.clear();
    const outcome = await request('Checkout', { input: { idempotencyKey: randomUUID(), shippingAddressId: address.addAddress.address.id, paymentToken: 'tok_visa' } }, token);
    await settle();
    const cpuAfter = await cpuSeconds();
    if (outcome.checkout.order?.status !== 'CONFIRMED') throw new Error(`checkout not confirmed: ${JSON.stringify(outcome.checkout)}`);
    // The first checkout warms connections and caches; it is not counted.
    if (i > 0) {
      perCheckout.push({
        statements: sqlStatements.count - statementsBefore,
        requests: new Map(received),
        graphCpu: cpuAfter.graph - cpuBefore.graph,
        postgresCpu: cpuAfter.postgres - cpuBefore.postgres,
      });
    }
  }

  // Periodic work (the reservation sweeper, checkout recovery) sometimes lands in a checkout's
  // window: the most common count is the checkout's own.
  const counts = perCheckout.map((c) => c.statements);
  const mostCommon = [...new Set(counts)].sort((a, b) => counts.filter((n) => n === b).length - counts.filter((n) => n === a).length)[0]!;
  const requests = perCheckout[perCheckout.length - 1]!.requests;
  const hops = [...requests.values()].reduce((a, b) => a + b, 0);
  const meanMs = (values: number[]) => ((values.reduce((a, b) => a + b, 0) / values.length) * 1000).toFixed(1);
  const graphCpu = meanMs(perCheckout.map((c) => c.graphCpu));
  const postgresCpu = meanMs(perCheckout.map((c) => c.postgresCpu));
  const report = [
    `## ${new Date().toISOString()} — cost of one checkout (one cart line), \`pnpm bench:checkout-cost\``,
    `- SQL statements per checkout (all subgraphs): ${mostCommon} (${counts.filter((n) => n === mostCommon).length} of ${CHECKOUTS} checkouts; range ${Math.min(...counts)}–${Math.max(...counts)}).`,
    `- HTTP requests per checkout: ${hops} — ${[...requests].map(([path, n]) => `${path} ×${n}`).join(', ')}.`,
    `- CPU per checkout, one at a time (mean of ${CHECKOUTS}): graph and client ${graphCpu} ms, Postgres ${postgresCpu} ms; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}.`,
    '',
  ].join('\n');
  console.log(report);
  if (setting('BENCH_WRITE_RESULTS') !== '0') appendFileSync(new URL('./results/checkout.md', import.meta.url), `${report}\n`);
} finally {
  await stack.stop();
  await admin.end();
}
process.exit(0);
