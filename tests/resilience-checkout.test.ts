/**
 * Checkout with inventory or payments frozen (SIGSTOP) mid-saga: the buyer gets an answer within a
 * bound, nobody is charged twice, and once the service is back recovery confirms or compensates
 * the checkout, leaving no units held. Inventory and payments run as processes of their own.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { op } from '../scripts/contract';
import { subscribe } from '../scripts/graphql-client';
import { freePort, startStack, startSubgraphProcess, type ServiceProcess, type Stack } from '../scripts/stack';
import { checkoutCart, createCategory, createProduct, createWarehouse, operatorToken, registerCustomer, registerSeller, setStock } from './helpers';

const CALL_DEADLINE_MS = 1500;
// The orders subgraph runs in this process: short deadlines and a prompt recovery keep the test quick.
process.env.INTERNAL_CALL_TIMEOUT_MS = String(CALL_DEADLINE_MS);
process.env.CHECKOUT_STALE_AFTER_MS = '1000';
process.env.CHECKOUT_RECOVERY_INTERVAL_MS = '300';
process.env.CHECKOUT_SETTLE_TIMEOUT_MS = '500';
// The gateway runs here too: a subscription event's completion from a frozen subgraph.
process.env.SUBGRAPH_QUERY_TIMEOUT_MS = '1500';

let stack: Stack;
let inventory: ServiceProcess;
let payments: ServiceProcess;
let admin: string;
let categoryId: string;
let warehouseId: string;

beforeAll(async () => {
  const [inventoryPort, paymentsPort] = [await freePort(), await freePort()];
  stack = await startStack({
    external: { inventory: `http://127.0.0.1:${inventoryPort}`, payments: `http://127.0.0.1:${paymentsPort}` },
  });
  const urls = { ORDERS_URL: stack.subgraphUrls.orders, PRODUCTS_URL: stack.subgraphUrls.products, USERS_URL: stack.subgraphUrls.users };
  inventory = await startSubgraphProcess('inventory', { port: inventoryPort, env: { ...urls, RESERVATION_SWEEP_INTERVAL_MS: '500' } });
  payments = await startSubgraphProcess('payments', { port: paymentsPort, env: urls });
  admin = await operatorToken(stack);
  categoryId = (await createCategory(stack, admin)).id;
  warehouseId = (await createWarehouse(stack, admin)).id;
}, 120_000);
afterAll(async () => {
  for (const service of [inventory, payments]) if (service.child.exitCode === null) service.child.kill('SIGCONT');
  await Promise.all([inventory.stop(), payments.stop()]);
  await stack.stop();
});

async function readyToBuy() {
  const seller = await registerSeller(stack);
  const product = await createProduct(stack, seller.token, categoryId, { prices: [2000] });
  const variantId = product.variants[0]!.id;
  await setStock(stack, seller.token, variantId, warehouseId, 5);
  const buyer = await registerCustomer(stack);
  const address = await stack.request(
    op('AddAddress'),
    { input: { fullName: 'Fay Buyer', line1: '9 Oak St', city: 'Albany', region: 'NY', postalCode: '12207', country: 'US' } },
    buyer.token,
  );
  await stack.request(op('AddToCart'), { variantId, quantity: 2 }, buyer.token);
  const input = { idempotencyKey: randomUUID(), shippingAddressId: address.data.addAddress.address.id, paymentToken: 'tok_visa' };
  const available = async () => {
    const res = await stack.request(`query ($id: ID!) { product(id: $id) { variants { stock { available } } } }`, { id: product.id });
    return res.data.product.variants[0].stock.available as number;
  };
  return { buyer, input, available };
}

/** Sends the checkout again (same key) until it has settled; its order status, or its failure code. */
async function settled(token: string, input: Record<string, string>): Promise<{ status?: string; code?: string; orderId?: string }> {
  for (let i = 0; i < 150; i++) {
    const res = await stack.request(op('Checkout'), { input }, token);
    const order = res.data?.checkout?.order;
    if (order) return { status: order.status, orderId: order.id };
    const code = res.data?.checkout?.userErrors?.[0]?.code;
    if (code && code !== 'CHECKOUT_IN_PROGRESS') return { code };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the checkout never settled');
}

async function frozenDuringCheckout(service: ServiceProcess) {
  const { buyer, input, available } = await readyToBuy();
  service.child.kill('SIGSTOP');
  let first;
  try {
    const started = Date.now();
    first = await stack.request(op('Checkout'), { input }, buyer.token);
    // Does not hang: the call's deadline plus a generous margin for a slow machine.
    expect(Date.now() - started).toBeLessThan(CALL_DEADLINE_MS + 10_000);
  } finally {
    service.child.kill('SIGCONT');
  }
  expect(first.errors).toBeUndefined();
  expect(first.data.checkout.order).toBeNull();
  expect(first.data.checkout.userErrors.map((e: { code: string }) => e.code)).toEqual(['CHECKOUT_IN_PROGRESS']);
  return { buyer, input, available, outcome: await settled(buyer.token, input) };
}

describe('checkout with a service frozen', () => {
  it('inventory frozen while reserving: in progress at once, then compensated; no unit stays held', async () => {
    const { outcome, available } = await frozenDuringCheckout(inventory);
    // Recovery never resumes a checkout that had not reserved: it releases and fails it.
    expect(outcome.code).toBeDefined();
    await expect.poll(available, { timeout: 15_000, interval: 200 }).toBe(5);
  }, 90_000);

  it('payments frozen while authorizing: in progress at once; recovery confirms or compensates, charging once', async () => {
    const { buyer, outcome, available } = await frozenDuringCheckout(payments);
    const mine = await stack.request(op('MyOrders'), {}, buyer.token);
    const orders = mine.data.me.orders.edges.map((e: { node: { id: string; status: string } }) => e.node);
    expect(orders).toHaveLength(1);
    const detail = await stack.request(op('OrderDetail'), { id: orders[0].id }, buyer.token);
    if (outcome.status === 'CONFIRMED') {
      // Authorized once, for the order's total; its two units stay reserved for it.
      expect(detail.data.order.payment).toMatchObject({ status: 'AUTHORIZED', amount: { amount: detail.data.order.total.amount } });
      expect(await available()).toBe(3);
    } else {
      expect(orders[0].status).toBe('PAYMENT_FAILED');
      expect(detail.data.order.payment?.status ?? 'VOIDED').toMatch(/VOIDED|FAILED|DECLINED/);
      await expect.poll(available, { timeout: 15_000, interval: 200 }).toBe(5);
    }
  }, 90_000);

  it('payments frozen during a live order: the TrackOrder event still arrives, its payment null with SERVICE_UNAVAILABLE', async () => {
    const seller = await registerSeller(stack);
    const product = await createProduct(stack, seller.token, categoryId, { prices: [2500] });
    const variantId = product.variants[0]!.id;
    await setStock(stack, seller.token, variantId, warehouseId, 3);
    const buyer = await registerCustomer(stack);
    const order = await checkoutCart(stack, buyer.token, [{ variantId, quantity: 1 }]);
    const shipped = await stack.request(
      op('ShipOrderLines'),
      { input: { orderId: order.id, lineIds: [order.lines[0].id], carrier: 'UPS', trackingNumber: '1Z999' } },
      seller.token,
    );
    expect(shipped.data.shipOrderLines.userErrors).toEqual([]);
    const tracking = subscribe(stack.gatewayWsUrl, op('TrackOrder'), { id: order.id }, { token: buyer.token });
    try {
      await expect.poll(() => stack.subscriptionStats().upstreamSources, { timeout: 10_000 }).toBe(1);
      payments.child.kill('SIGSTOP');
      try {
        const delivered = await stack.request(op('MarkShipmentDelivered'), { id: shipped.data.shipOrderLines.shipment.id }, seller.token);
        expect(delivered.data.markShipmentDelivered.userErrors).toEqual([]);
        let event;
        do event = await tracking.next(15_000);
        while (event.data?.orderUpdated?.status !== 'DELIVERED');
        expect(event.data.orderUpdated.payment).toBeNull();
        expect(event.data.orderUpdated.lines[0].variant.product.title).toMatch(/^Trail Runner/);
        expect(event.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['orderUpdated', 'payment'], 'SERVICE_UNAVAILABLE']]);
      } finally {
        payments.child.kill('SIGCONT');
      }
    } finally {
      await tracking.close();
    }
  }, 90_000);
});
