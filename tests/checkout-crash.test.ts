import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { op } from '../scripts/contract';
import { freePort, startStack, startSubgraphProcess, type Stack, type ServiceProcess } from '../scripts/stack';
import { createCategory, createProduct, createWarehouse, operatorToken, registerCustomer, registerSeller, setStock } from './helpers';

let stack: Stack;
let orders: ServiceProcess;

beforeAll(async () => {
  // The orders subgraph runs as a process of its own that dies between reservation and payment.
  // It starts after the rest, so that it is given their addresses.
  const port = await freePort();
  stack = await startStack({ external: { orders: `http://127.0.0.1:${port}` } });
  orders = await startSubgraphProcess('orders', { port, env: { CHECKOUT_FAILPOINT: 'after-reserve' } });
}, 120_000);
afterAll(async () => {
  await orders.stop();
  await stack.stop();
});

describe('a process killed between reservation and payment', () => {
  it('leaves no confirmed order, no charge, and the stock available again after recovery', async () => {
    const admin = await operatorToken(stack);
    const category = await createCategory(stack, admin);
    const warehouse = await createWarehouse(stack, admin);
    const seller = await registerSeller(stack);
    const product = await createProduct(stack, seller.token, category.id, { prices: [1500] });
    const variantId = product.variants[0]!.id;
    await setStock(stack, seller.token, variantId, warehouse.id, 5);
    const buyer = await registerCustomer(stack);
    const address = await stack.request(
      op('AddAddress'),
      { input: { fullName: 'B', line1: '1 St', city: 'Newark', region: 'NJ', postalCode: '07101', country: 'US' } },
      buyer.token,
    );
    await stack.request(op('AddToCart'), { variantId, quantity: 2 }, buyer.token);
    // Stock only: the orders subgraph is down for part of this test.
    const availableNow = async () => {
      const res = await stack.request(`query ($id: ID!) { product(id: $id) { variants { stock { available } } } }`, { id: product.id });
      return res.data.product.variants[0].stock.available;
    };

    const input = { idempotencyKey: randomUUID(), shippingAddressId: address.data.addAddress.address.id, paymentToken: 'tok_visa' };
    const crashed = await stack.request(op('Checkout'), { input }, buyer.token);
    expect(crashed.data?.checkout?.order ?? null).toBeNull();
    await orders.exited;
    expect(await availableNow()).toBe(3); // held by the interrupted checkout

    // Back, but before recovery looks at it: the same checkout sent again is still in progress.
    orders = await startSubgraphProcess('orders', { port: orders.port, env: { CHECKOUT_SETTLE_TIMEOUT_MS: '300' } });
    const resent = await stack.request(op('Checkout'), { input }, buyer.token);
    expect(resent.errors).toBeUndefined();
    expect(resent.data.checkout.order).toBeNull();
    expect(resent.data.checkout.userErrors.map((e: { code: string }) => e.code)).toEqual(['CHECKOUT_IN_PROGRESS']);
    await orders.stop();

    // Back again, recovering promptly: it finds the stalled checkout and compensates it.
    orders = await startSubgraphProcess('orders', {
      port: orders.port,
      env: { CHECKOUT_STALE_AFTER_MS: '300', CHECKOUT_RECOVERY_INTERVAL_MS: '200' },
    });
    let status: string | undefined;
    for (let i = 0; i < 100 && status !== 'PAYMENT_FAILED'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const mine = await stack.request(op('MyOrders'), {}, buyer.token);
      status = mine.data.me.orders.edges[0]?.node.status;
    }
    expect(status).toBe('PAYMENT_FAILED');
    const mine = await stack.request(op('MyOrders'), {}, buyer.token);
    const detail = await stack.request(op('OrderDetail'), { id: mine.data.me.orders.edges[0].node.id }, buyer.token);
    expect(detail.data.order.payment).toBeNull();
    expect(await availableNow()).toBe(5);
  }, 120_000);
});
