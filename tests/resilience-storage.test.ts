/**
 * Storage failures: Redis killed (a Redis of this test's own, on a port of its own) and every
 * Postgres connection of the graph terminated. The graph keeps answering, and catches up after.
 */
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { op } from '../scripts/contract';
import { subscribe } from '../scripts/graphql-client';
import { startRedisServer, type RedisServer } from '../scripts/redis-server';
import type { Stack } from '../scripts/stack';
import { createProduct, PASSWORD, registerCustomer, registerSeller, setStock, startMarketplace } from './helpers';

const REDIS_PORT = 6411;
// The simulated payment provider stands for an external service: its ledger stays on the shared Redis.
process.env.PAYMENT_PROVIDER_REDIS_URL = process.env.REDIS_URL;
process.env.REDIS_URL = `redis://127.0.0.1:${REDIS_PORT}`;
// The graph's connections are named, so that this test terminates its own and no other test's.
const APPLICATION = `resilience-storage-${process.pid}`;
const plainDatabaseUrl = process.env.DATABASE_URL!;
const databaseUrl = new URL(plainDatabaseUrl);
databaseUrl.searchParams.set('application_name', APPLICATION);
process.env.DATABASE_URL = databaseUrl.toString();

let redis: RedisServer;
let stack: Stack;
let categoryId: string;
let warehouseId: string;

beforeAll(async () => {
  redis = await startRedisServer(REDIS_PORT);
  ({ stack, categoryId, warehouseId } = await startMarketplace());
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  await redis.stop();
});

describe('Redis killed', () => {
  it('reads, sign-in, checkout and setStock still work; the stock change reaches a WatchStock subscriber once Redis is back', async () => {
    const seller = await registerSeller(stack);
    const product = await createProduct(stack, seller.token, categoryId, { title: `Kettle ${randomUUID().slice(0, 6)}`, prices: [3100] });
    const variantId = product.variants[0]!.id;
    await setStock(stack, seller.token, variantId, warehouseId, 6);
    const buyer = await registerCustomer(stack);
    const address = await stack.request(
      op('AddAddress'),
      { input: { fullName: 'R Buyer', line1: '3 Pine St', city: 'Albany', region: 'NY', postalCode: '12207', country: 'US' } },
      buyer.token,
    );
    await stack.request(op('AddToCart'), { variantId, quantity: 1 }, buyer.token);
    const watching = subscribe(stack.gatewayWsUrl, op('WatchStock'), { productId: product.id });
    await expect.poll(() => stack.subscriptionStats().upstreamSources, { timeout: 10_000 }).toBe(1);

    await redis.stop();
    try {
      const page = await stack.request(op('ProductPage'), { id: product.id });
      expect(page.errors).toBeUndefined();
      expect(page.data.product.variants[0].stock.available).toBe(6);
      const search = await stack.request(op('Catalog'), { query: 'Kettle', filter: { categoryId }, first: 5 });
      expect(search.errors).toBeUndefined();

      const login = await stack.request(op('Login'), { email: buyer.email, password: PASSWORD });
      expect(login.data.login.userErrors).toEqual([]);
      expect(login.data.login.accessToken).toEqual(expect.any(String));

      const checkout = await stack.request(
        op('Checkout'),
        { input: { idempotencyKey: randomUUID(), shippingAddressId: address.data.addAddress.address.id, paymentToken: 'tok_visa' } },
        buyer.token,
      );
      expect(checkout.data.checkout.userErrors).toEqual([]);
      expect(checkout.data.checkout.order.status).toBe('CONFIRMED');

      expect((await setStock(stack, seller.token, variantId, warehouseId, 9)).available).toBe(8);
    } finally {
      redis = await startRedisServer(REDIS_PORT);
    }
    // The outbox kept the events; the relay publishes them and the live tail resumes.
    for (;;) {
      const event = await watching.next(30_000);
      if (event.data?.stockChanged?.available === 8) break;
    }
    await watching.close();
  }, 120_000);
});

describe('Postgres connections terminated', () => {
  it('the next requests succeed without restarting anything', async () => {
    const seller = await registerSeller(stack);
    const product = await createProduct(stack, seller.token, categoryId, { prices: [1200] });
    const admin = postgres(plainDatabaseUrl, { max: 1, onnotice: () => {} });
    try {
      const terminated = await admin`
        select pg_terminate_backend(pid) from pg_stat_activity
        where application_name = ${APPLICATION} and pid <> pg_backend_pid()`;
      expect(terminated.length).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    // A request in flight at that moment may fail; the next ones find fresh connections.
    await stack.request(op('ProductPage'), { id: product.id }).catch(() => undefined);
    await expect
      .poll(async () => (await stack.request(op('ProductPage'), { id: product.id })).data?.product?.title, { timeout: 10_000 })
      .toMatch(/^Trail Runner/);
    const page = await stack.request(op('ProductPage'), { id: product.id });
    expect(page.errors).toBeUndefined();
    expect((await setStock(stack, seller.token, product.variants[0]!.id, warehouseId, 4)).available).toBe(4);
  }, 60_000);
});
