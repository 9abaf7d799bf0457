/**
 * Subscriptions with several instances: two gateway processes, two orders processes and an
 * inventory process, beside the in-process graph. A change made through any instance reaches
 * subscribers on every gateway; a subgraph restart or a lost Redis connection resumes the streams
 * without clients resubscribing; a gateway that shuts down completes its subscriptions.
 */
import { randomUUID } from 'node:crypto';
import { createRedis } from '@marketplace/runtime';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { op } from '../scripts/contract';
import { graphql, subscribe, type LiveSubscription } from '../scripts/graphql-client';
import { startGatewayProcess, startSubgraphProcess, type ServiceProcess, type Stack } from '../scripts/stack';
import { createProduct, placeOrderFromTwoStores, registerSeller, setStock, startMarketplace } from './helpers';

let stack: Stack;
let categoryId: string;
let warehouseId: string;
let ordersA: ServiceProcess;
let ordersB: ServiceProcess;
let inventory: ServiceProcess;
let gatewayA: ServiceProcess;
let gatewayB: ServiceProcess;
const open: LiveSubscription[] = [];

beforeAll(async () => {
  ({ stack, categoryId, warehouseId } = await startMarketplace());
  [ordersA, ordersB, inventory] = await Promise.all([
    startSubgraphProcess('orders'),
    startSubgraphProcess('orders'),
    startSubgraphProcess('inventory'),
  ]);
  [gatewayA, gatewayB] = await Promise.all([
    startGatewayProcess({ ...stack.subgraphUrls, orders: ordersA.url, inventory: inventory.url }),
    startGatewayProcess({ ...stack.subgraphUrls, orders: ordersB.url, inventory: inventory.url }),
  ]);
}, 120_000);
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await Promise.all([gatewayA, gatewayB, ordersA, ordersB, inventory].map((p) => p?.stop()));
  await stack?.stop();
});

const wsUrl = (gateway: ServiceProcess) => `${gateway.url.replace(/^http/, 'ws')}/graphql`;
const through = (gateway: ServiceProcess, operation: string, variables: Record<string, unknown>, token?: string) =>
  graphql(`${gateway.url}/graphql`, op(operation), variables, { token });

function live(gateway: ServiceProcess, operation: string, variables: Record<string, unknown>, token?: string) {
  const subscription = subscribe(wsUrl(gateway), op(operation), variables, { token });
  open.push(subscription);
  return subscription;
}

async function upstreamSourcesOf(gateway: ServiceProcess): Promise<number> {
  const health = (await (await fetch(`${gateway.url}/health`)).json()) as { subscriptions: { upstreamSources: number } };
  return health.subscriptions.upstreamSources;
}

/** Waits until `subscription` has an event matching `predicate`, within `timeoutMs`. */
async function eventually(subscription: LiveSubscription, predicate: (data: any) => boolean, timeoutMs = 1000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const event = await subscription.next(Math.max(1, deadline - Date.now()));
    expect(event.errors, JSON.stringify(event.errors)).toBeUndefined();
    if (predicate(event.data)) return event.data;
  }
}

describe('several gateways and several orders instances', () => {
  it('delivers a change made through either gateway (and either orders instance) to subscribers on both', async () => {
    const { order, buyer, storeA, storeB, lineA, lineB } = await placeOrderFromTwoStores(stack, categoryId, warehouseId);
    const onA = live(gatewayA, 'TrackOrder', { id: order.id }, buyer.token);
    const onB = live(gatewayB, 'TrackOrder', { id: order.id }, buyer.token);
    await expect.poll(async () => [await upstreamSourcesOf(gatewayA), await upstreamSourcesOf(gatewayB)]).toEqual([1, 1]);

    const shipVia = (gateway: ServiceProcess, token: string, lineId: string) =>
      through(gateway, 'ShipOrderLines', { input: { orderId: order.id, lineIds: [lineId], carrier: 'UPS', trackingNumber: `1Z${randomUUID().slice(0, 8)}` } }, token);
    expect((await shipVia(gatewayA, storeA.token, lineA)).data.shipOrderLines.userErrors).toEqual([]);
    for (const subscriber of [onA, onB]) await eventually(subscriber, (d) => d.orderUpdated.status === 'PARTIALLY_SHIPPED');
    expect((await shipVia(gatewayB, storeB.token, lineB)).data.shipOrderLines.userErrors).toEqual([]);
    for (const subscriber of [onA, onB]) {
      const update = await eventually(subscriber, (d) => d.orderUpdated.status === 'SHIPPED');
      expect(update.orderUpdated.lines.every((l: { variant: { product: { title: string } } }) => l.variant.product.title)).toBe(true);
    }
    await Promise.all([onA.close(), onB.close()]);
    await expect.poll(async () => [await upstreamSourcesOf(gatewayA), await upstreamSourcesOf(gatewayB)]).toEqual([0, 0]);
  });
});

describe('restarts', () => {
  let seller: Awaited<ReturnType<typeof registerSeller>>;
  let productId: string;
  let variantId: string;
  let watcher: LiveSubscription;

  beforeAll(async () => {
    seller = await registerSeller(stack);
    const product = await createProduct(stack, seller.token, categoryId, { prices: [1200] });
    productId = product.id;
    variantId = product.variants[0]!.id;
    watcher = live(gatewayA, 'WatchStock', { productId });
    await vi.waitFor(async () => expect(await upstreamSourcesOf(gatewayA)).toBe(1));
  });

  it('resumes after the owning subgraph restarts, with the changes made while it was down', async () => {
    inventory.child.kill('SIGKILL');
    await inventory.exited;
    // Changed through the other inventory instance (in the test process) while this one is down.
    await setStock(stack, seller.token, variantId, warehouseId, 11);
    inventory = await startSubgraphProcess('inventory', { port: inventory.port });
    expect((await eventually(watcher, (d) => d.stockChanged.available === 11, 10_000)).stockChanged.variant.product.id).toBe(productId);

    await setStock(stack, seller.token, variantId, warehouseId, 12);
    await eventually(watcher, (d) => d.stockChanged.available === 12);
  });

  it('resumes when the subgraph loses its Redis connections', async () => {
    // As a Redis restart looks to the inventory process: every connection of it dropped at once.
    const admin = createRedis();
    try {
      const db = new URL(process.env.REDIS_URL!).pathname.slice(1) || '0';
      const clients = ((await admin.client('LIST')) as string).split('\n');
      const ofInventory = clients.filter((c) => / name=inventory-\d+ /.test(c) && c.includes(` db=${db} `));
      expect(ofInventory.length).toBeGreaterThan(0);
      for (const client of ofInventory) await admin.client('KILL', 'ID', /id=(\d+)/.exec(client)![1]!);
    } finally {
      admin.disconnect();
    }

    await setStock(stack, seller.token, variantId, warehouseId, 13);
    await eventually(watcher, (d) => d.stockChanged.available === 13, 5000);
  });

  it('completes its subscriptions when a gateway shuts down', async () => {
    const onB = live(gatewayB, 'WatchStock', { productId });
    await expect.poll(() => upstreamSourcesOf(gatewayB)).toBeGreaterThan(0);
    await gatewayB.stop();
    expect(await onB.ended).toEqual({ completed: true });
  });
});
