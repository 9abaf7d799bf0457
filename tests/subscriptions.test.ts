/**
 * Live updates through the gateway with a real graphql-ws client: the contract's three
 * subscriptions, each event completed across subgraphs, and who may subscribe to what.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { op } from '../scripts/contract';
import { subscribe, type LiveSubscription } from '../scripts/graphql-client';
import type { Stack } from '../scripts/stack';
import { checkoutCart, createProduct, placeOrderFromTwoStores, registerCustomer, registerSeller, setStock, startMarketplace } from './helpers';

let stack: Stack;
let admin: string;
let categoryId: string;
let warehouseId: string;
const open: LiveSubscription[] = [];

beforeAll(async () => {
  ({ stack, admin, categoryId, warehouseId } = await startMarketplace());
}, 60_000);
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  await expect.poll(() => stack.subscriptionStats()).toEqual({ upstreamSources: 0, clients: 0 });
});
afterAll(() => stack.stop());

function live(operation: string, variables: Record<string, unknown>, token?: string): LiveSubscription {
  const subscription = subscribe(stack.gatewayWsUrl, op(operation), variables, { token });
  open.push(subscription);
  return subscription;
}

/** Events are delivered from the moment the gateway has the subscription; wait for that. */
async function untilSources(upstreamSources: number, clients: number) {
  await expect.poll(() => stack.subscriptionStats(), { timeout: 5000 }).toEqual({ upstreamSources, clients });
}

describe('orderUpdated', () => {
  it('shows the customer the shipment within a second, completed across subgraphs; another customer gets an error', async () => {
    const { order, buyer, storeA, storeB, lineA, lineB } = await placeOrderFromTwoStores(stack, categoryId, warehouseId);
    const tracking = live('TrackOrder', { id: order.id }, buyer.token);
    const secondTab = live('TrackOrder', { id: order.id }, buyer.token);
    const stranger = live('TrackOrder', { id: order.id }, (await registerCustomer(stack)).token);
    const anonymous = live('TrackOrder', { id: order.id });

    const refused = await stranger.next();
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await stranger.ended).toEqual({ completed: true });
    expect((await anonymous.next()).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // The customer's two tabs share one upstream source; the refused ones hold none.
    await untilSources(1, 2);

    const shipLine = async (token: string, lineId: string) => {
      const trackingNumber = `1Z${randomUUID().slice(0, 10)}`;
      const res = await stack.request(op('ShipOrderLines'), { input: { orderId: order.id, lineIds: [lineId], carrier: 'UPS', trackingNumber } }, token);
      expect(res.data.shipOrderLines.userErrors).toEqual([]);
      return trackingNumber;
    };
    const firstParcel = await shipLine(storeA.token, lineA);
    const secondParcel = await shipLine(storeB.token, lineB);
    const shippedAt = Date.now();

    // Each change (transitions, the capture) is an event showing the order as it then is.
    let update;
    do update = (await tracking.next(Math.max(1, 1000 - (Date.now() - shippedAt)))).data.orderUpdated;
    while (update.status !== 'SHIPPED');
    expect(update.id).toBe(order.id);
    expect(update.payment.status).toBe('CAPTURED');
    expect(update.shipments.map((s: { trackingNumber: string }) => s.trackingNumber).sort()).toEqual([firstParcel, secondParcel].sort());
    expect(update.lines.map((l: { variant: { product: { title: string } } }) => l.variant.product.title)).toEqual([
      expect.stringMatching(/^Trail Runner/),
      expect.stringMatching(/^Trail Runner/),
    ]);
    expect(update.events.map((e: { status: string }) => e.status)).toEqual(expect.arrayContaining(['CONFIRMED', 'PARTIALLY_SHIPPED', 'SHIPPED']));
    expect(stranger.pending).toEqual([]);
    expect(anonymous.pending).toEqual([]);
    await expect.poll(() => secondTab.pending.at(-1)?.data?.orderUpdated.status, { timeout: 1000 }).toBe('SHIPPED');
  });

  it('reaches operators too', async () => {
    const { order, storeB, lineB } = await placeOrderFromTwoStores(stack, categoryId, warehouseId);
    const watching = live('TrackOrder', { id: order.id }, admin);
    await untilSources(1, 1);
    await stack.request(op('ShipOrderLines'), { input: { orderId: order.id, lineIds: [lineB], carrier: 'DHL', trackingNumber: 'JD0001' } }, storeB.token);
    await expect.poll(() => watching.pending.at(-1)?.data?.orderUpdated.status, { timeout: 1000 }).toBe('PARTIALLY_SHIPPED');
  });
});

describe('stockChanged', () => {
  it('shows everyone the new availability and the product title after setStock and after a checkout', async () => {
    const seller = await registerSeller(stack);
    const product = await createProduct(stack, seller.token, categoryId, { prices: [1500] });
    const variantId = product.variants[0]!.id;
    await setStock(stack, seller.token, variantId, warehouseId, 7);
    const shopper = await registerCustomer(stack);
    const anonymous = live('WatchStock', { productId: product.id });
    const signedIn = live('WatchStock', { productId: product.id }, shopper.token);
    // Public selections are the same for everyone: one upstream source for both.
    await untilSources(1, 2);

    const changedAt = Date.now();
    await setStock(stack, seller.token, variantId, warehouseId, 3);
    for (const watcher of [anonymous, signedIn]) {
      const event = await watcher.next(1000);
      expect(event.data.stockChanged).toEqual({ variantId, available: 3, inStock: true, variant: { sku: expect.any(String), product: { id: product.id, title: expect.stringMatching(/^Trail Runner/) } } });
    }
    expect(Date.now() - changedAt).toBeLessThan(1000);

    await checkoutCart(stack, shopper.token, [{ variantId, quantity: 3 }]);
    const soldOut = await anonymous.next(1000);
    expect(soldOut.data.stockChanged).toMatchObject({ variantId, available: 0, inStock: false });
  });

  it('refuses a malformed subscription without opening anything upstream', async () => {
    const bad = subscribe(stack.gatewayWsUrl, 'subscription { stockChanged(productId: 1) { nope } }', {});
    open.push(bad);
    const outcome = await bad.ended;
    expect(outcome).toMatchObject({ error: expect.anything() });
    expect(stack.subscriptionStats().upstreamSources).toBe(0);
  });
});

describe('lowStockAlert', () => {
  it('alerts the store (and its INVENTORY_READ keys) when a variant falls to its threshold, and nobody else', async () => {
    const store = await registerSeller(stack);
    const otherStore = await registerSeller(stack);
    const product = await createProduct(stack, store.token, categoryId, { prices: [900] });
    const variantId = product.variants[0]!.id;
    await setStock(stack, store.token, variantId, warehouseId, 20);
    const key = await stack.request(op('CreateApiKey'), { name: 'stock watcher', scopes: ['INVENTORY_READ'] }, store.token);
    const ordersKey = await stack.request(op('CreateApiKey'), { name: 'orders only', scopes: ['ORDERS_READ'] }, store.token);

    const own = live('LowStockAlerts', {}, store.token);
    const viaKey = live('LowStockAlerts', {}, key.data.createApiKey.secret);
    const other = live('LowStockAlerts', {}, otherStore.token);
    const customer = live('LowStockAlerts', {}, (await registerCustomer(stack)).token);
    const wrongScope = live('LowStockAlerts', {}, ordersKey.data.createApiKey.secret);

    expect((await customer.next()).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await wrongScope.next()).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await untilSources(3, 3);

    await setStock(stack, store.token, variantId, warehouseId, 4);
    for (const watcher of [own, viaKey]) {
      const alert = (await watcher.next(1000)).data.lowStockAlert;
      expect(alert).toEqual({ variantId, available: 4, threshold: 5, variant: { sku: expect.any(String), product: { title: expect.stringMatching(/^Trail Runner/) } } });
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(other.pending).toEqual([]);

    // A revoked key's subscription ends at its next event.
    await stack.request(op('RevokeApiKey'), { id: key.data.createApiKey.apiKey.id }, store.token);
    await setStock(stack, store.token, variantId, warehouseId, 20);
    await setStock(stack, store.token, variantId, warehouseId, 2);
    expect((await own.next(1000)).data.lowStockAlert.available).toBe(2);
    expect((await viaKey.next(1000)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('the WebSocket endpoint', () => {
  it('closes a connection whose token does not verify with 4403 Forbidden', async () => {
    const forged = subscribe(stack.gatewayWsUrl, op('WatchStock'), { productId: randomUUID() }, { token: 'not-a-token' });
    expect(await forged.ended).toMatchObject({ closeCode: 4403 });
  });
});
