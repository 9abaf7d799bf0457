/**
 * The single-process topology (`pnpm start:single`): the gateway reaches the subgraphs through
 * their Apollo Servers in this process and the saga's internal calls are function calls. The
 * same guarantees hold: authorization, the checkout's outcome, stock never oversold under
 * concurrent buyers; and no subgraph receives HTTP for any of it.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { op } from '../scripts/contract';
import type { Stack } from '../scripts/stack';
import { createProduct, placeOrderFromTwoStores, registerCustomer, registerSeller, setStock, startMarketplace } from './helpers';

let stack: Stack;
let categoryId: string;
let warehouseId: string;
/** HTTP requests the subgraphs' servers received, by path (health checks aside). */
const subgraphRequests: string[] = [];
const onRequest = (message: unknown) => {
  const { request } = message as { request: IncomingMessage };
  const subgraphPorts = Object.values(stack?.subgraphUrls ?? {}).map((url) => Number(new URL(url).port));
  if (subgraphPorts.includes(request.socket.localPort ?? 0) && !request.url?.startsWith('/health')) subgraphRequests.push(request.url ?? '');
};

beforeAll(async () => {
  ({ stack, categoryId, warehouseId } = await startMarketplace({ inProcess: true }));
  subscribe('http.server.request.start', onRequest);
}, 60_000);
afterAll(async () => {
  unsubscribe('http.server.request.start', onRequest);
  await stack.stop();
});

describe('the graph in one process', () => {
  it('checks out across stores and shows the stock it took, without HTTP between subgraphs', async () => {
    const { order, buyer, productA } = await placeOrderFromTwoStores(stack, categoryId, warehouseId);
    expect(order).toMatchObject({ status: 'CONFIRMED', total: { amount: 7499, currencyCode: 'USD' } });
    const detail = await stack.request(op('OrderDetail'), { id: order.id }, buyer.token);
    expect(detail.data.order.payment.status).toBe('AUTHORIZED');
    const page = await stack.request(op('ProductPage'), { id: productA });
    expect(page.data.product.variants[0].stock.available).toBe(8);
    expect(subgraphRequests).toEqual([]);
  });

  it('still enforces @auth and identity: an anonymous caller cannot create a category, nor see an order', async () => {
    const res = await stack.request(op('CreateCategory'), { input: { name: 'Nope', slug: `nope-${randomUUID().slice(0, 8)}` } });
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('sells 3 units to exactly 3 of 8 concurrent buyers', async () => {
    const seller = await registerSeller(stack);
    const product = await createProduct(stack, seller.token, categoryId, { prices: [1500] });
    const variantId = product.variants[0]!.id;
    await setStock(stack, seller.token, variantId, warehouseId, 3);
    const buyers = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const buyer = await registerCustomer(stack);
        const address = await stack.request(
          op('AddAddress'),
          { input: { fullName: 'Jo Buyer', line1: '5 Elm St', city: 'Albany', region: 'NY', postalCode: '12207', country: 'US' } },
          buyer.token,
        );
        await stack.request(op('AddToCart'), { variantId, quantity: 1 }, buyer.token);
        return { token: buyer.token, addressId: address.data.addAddress.address.id as string };
      }),
    );
    const outcomes = await Promise.all(
      buyers.map((b) => stack.request(op('Checkout'), { input: { idempotencyKey: randomUUID(), shippingAddressId: b.addressId, paymentToken: 'tok_visa' } }, b.token)),
    );
    const confirmed = outcomes.filter((o) => o.data.checkout.order?.status === 'CONFIRMED').length;
    const refused = outcomes.filter((o) => o.data.checkout.userErrors[0]?.code === 'INSUFFICIENT_STOCK').length;
    expect({ confirmed, refused }).toEqual({ confirmed: 3, refused: 5 });
    const page = await stack.request(op('ProductPage'), { id: product.id });
    expect(page.data.product.variants[0].stock.available).toBe(0);
    expect(subgraphRequests).toEqual([]);
  });
});
