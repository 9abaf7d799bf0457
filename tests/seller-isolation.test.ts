/**
 * The two promises of issue 6 told as stories through the gateway: a narrowly scoped key does
 * exactly what its scopes say until it is revoked, and one store can neither read nor change
 * anything of another's, whichever id it guesses. (The matrix checks each cell; this checks that
 * nothing changed behind the refusals.)
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES } from '@marketplace/runtime';
import { op } from '../scripts/contract';
import { errorCode } from '../scripts/graphql-client';
import type { Stack } from '../scripts/stack';
import { checkoutCart, createProduct, placeOrderFromTwoStores, registerCustomer, registerSeller, setStock, startMarketplace } from './helpers';

let stack: Stack;
let categoryId: string;
let warehouseId: string;

beforeAll(async () => {
  ({ stack, categoryId, warehouseId } = await startMarketplace());
}, 60_000);
afterAll(() => stack.stop());

const STOCK = `query ($id: ID!) { product(id: $id) { title variants { id title price { amount } stock { onHand lowStockThreshold } } } }`;

/** A store with an active product, a draft, stock, and a customer's confirmed order of its product. */
async function storeWithOrder() {
  const seller = await registerSeller(stack);
  const product = await createProduct(stack, seller.token, categoryId, { prices: [2500] });
  const draft = await createProduct(stack, seller.token, categoryId, { status: 'DRAFT' });
  const variantId = product.variants[0]!.id;
  await setStock(stack, seller.token, variantId, warehouseId, 20);
  const buyer = await registerCustomer(stack);
  const order = (await checkoutCart(stack, buyer.token, [{ variantId, quantity: 2 }])) as { id: string; lines: { id: string }[] };
  return { seller, product, draft, variantId, buyer, orderId: order.id, lineId: order.lines[0]!.id };
}

async function createKey(token: string, scopes: string[]) {
  const res = await stack.request(op('CreateApiKey'), { name: `key ${randomUUID().slice(0, 6)}`, scopes }, token);
  expect(res.data.createApiKey.userErrors).toEqual([]);
  return { id: res.data.createApiKey.apiKey.id as string, secret: res.data.createApiKey.secret as string };
}

describe('a key with PRODUCTS_READ and PRODUCTS_WRITE', () => {
  it('edits its store’s product and does nothing else; revoked, it stops on the next request', async () => {
    const store = await storeWithOrder();
    const key = await createKey(store.seller.token, ['PRODUCTS_READ', 'PRODUCTS_WRITE']);

    const renamed = await stack.request(op('UpdateProduct'), { id: store.product.id, input: { title: 'Renamed by the key' } }, key.secret);
    expect(renamed.data.updateProduct).toMatchObject({ product: { id: store.product.id, title: 'Renamed by the key' }, userErrors: [] });
    expect((await stack.request(op('ProductPage'), { id: store.draft.id }, key.secret)).data.product).toMatchObject({ id: store.draft.id, status: 'DRAFT' });

    const refusals = {
      setStock: await stack.request(op('SetStock'), { variantId: store.variantId, warehouseId, onHand: 999 }, key.secret),
      orderDetail: await stack.request(op('OrderDetail'), { id: store.orderId }, key.secret),
      storeOrders: await stack.request(`{ mySeller { orders { totalCount } } }`, {}, key.secret),
      revenue: await stack.request(`{ mySeller { revenue { amount } } }`, {}, key.secret),
      shipLines: await stack.request(op('ShipOrderLines'), { input: { orderId: store.orderId, lineIds: [store.lineId], carrier: 'UPS', trackingNumber: '1Z1' } }, key.secret),
      createKey: await stack.request(op('CreateApiKey'), { name: 'escalate', scopes: [...SCOPES] }, key.secret),
      revokeItself: await stack.request(op('RevokeApiKey'), { id: key.id }, key.secret),
      listKeys: await stack.request(`{ mySeller { apiKeys { id } } }`, {}, key.secret),
      becomeSeller: await stack.request(op('BecomeSeller'), { storeName: `Key store ${randomUUID().slice(0, 6)}` }, key.secret),
      addToCart: await stack.request(op('AddToCart'), { variantId: store.variantId, quantity: 1 }, key.secret),
    };
    expect(Object.fromEntries(Object.entries(refusals).map(([what, res]) => [what, errorCode(res)]))).toEqual(
      Object.fromEntries(Object.keys(refusals).map((what) => [what, 'FORBIDDEN'])),
    );
    // Nor is it an account: no `me`.
    expect((await stack.request(op('Me'), {}, key.secret)).data).toEqual({ me: null });
    // Nothing behind the refusals changed.
    const stock = (await stack.request(STOCK, { id: store.product.id }, store.seller.token)).data.product.variants[0].stock;
    expect(stock.onHand).toBe(20);
    const keys = (await stack.request(`{ mySeller { apiKeys { id revokedAt } } }`, {}, store.seller.token)).data.mySeller.apiKeys;
    expect(keys).toEqual([{ id: key.id, revokedAt: null }]);
    const order = (await stack.request(op('OrderDetail'), { id: store.orderId }, store.seller.token)).data.order;
    expect(order.lines.map((l: { status: string }) => l.status)).toEqual(['CONFIRMED']);

    await stack.request(op('RevokeApiKey'), { id: key.id }, store.seller.token);
    const afterRevoke = await stack.request(op('UpdateProduct'), { id: store.product.id, input: { title: 'After revoke' } }, key.secret);
    expect(afterRevoke.status).toBe(401);
    expect(errorCode(afterRevoke)).toBe('UNAUTHENTICATED');
    expect((await stack.request(op('ProductPage'), { id: store.product.id })).data.product.title).toBe('Renamed by the key');
  });
});

describe('a store and its customers’ orders', () => {
  it('cannot hide an order from its customer by taking the product back to draft', async () => {
    const store = await storeWithOrder();
    const back = await stack.request(op('UpdateProduct'), { id: store.product.id, input: { status: 'DRAFT' } }, store.seller.token);
    expect(back.data.updateProduct.userErrors).toEqual([{ field: ['input', 'status'], message: expect.any(String), code: 'INVALID_STATE' }]);
    const archived = await stack.request(op('UpdateProduct'), { id: store.product.id, input: { status: 'ARCHIVED' } }, store.seller.token);
    expect(archived.data.updateProduct.product.status).toBe('ARCHIVED');
    const order = await stack.request(op('OrderDetail'), { id: store.orderId }, store.buyer.token);
    expect(order.errors).toBeUndefined();
    expect(order.data.order.lines[0].variant.product).toMatchObject({ id: store.product.id });
  });
});

describe('seller B against seller A', () => {
  it('can neither read nor change anything of A’s, by session or by key, whichever of A’s ids it sends', async () => {
    const a = await storeWithOrder();
    const aKey = await createKey(a.seller.token, ['ORDERS_READ']);
    const b = await registerSeller(stack);
    const bProduct = await createProduct(stack, b.token, categoryId);
    const bKey = await createKey(b.token, [...SCOPES]);
    const before = (await stack.request(STOCK, { id: a.product.id }, a.seller.token)).data.product;

    for (const token of [b.token, bKey.secret]) {
      const tries = {
        updateProduct: await stack.request(op('UpdateProduct'), { id: a.product.id, input: { title: 'Taken over', status: 'ARCHIVED' } }, token),
        updateDraft: await stack.request(op('UpdateProduct'), { id: a.draft.id, input: { status: 'ACTIVE' } }, token),
        addVariant: await stack.request(
          `mutation ($id: ID!) { addProductVariant(productId: $id, input: { sku: "B-${randomUUID().slice(0, 6)}", title: "Mine", price: 1 }) { userErrors { code } } }`,
          { id: a.product.id },
          token,
        ),
        updateVariant: await stack.request(`mutation ($id: ID!) { updateProductVariant(id: $id, input: { price: 1 }) { userErrors { code } } }`, { id: a.variantId }, token),
        setStock: await stack.request(op('SetStock'), { variantId: a.variantId, warehouseId, onHand: 0 }, token),
        threshold: await stack.request(`mutation ($id: ID!) { setLowStockThreshold(variantId: $id, threshold: 99) { userErrors { code } } }`, { id: a.variantId }, token),
        ship: await stack.request(op('ShipOrderLines'), { input: { orderId: a.orderId, lineIds: [a.lineId], carrier: 'UPS', trackingNumber: '1Z2' } }, token),
        stockDetails: await stack.request(STOCK, { id: a.product.id }, token),
        storeOrders: await stack.request(`query ($id: ID!) { seller(id: $id) { orders { totalCount } } }`, { id: a.seller.sellerId }, token),
        storeRevenue: await stack.request(`query ($id: ID!) { seller(id: $id) { revenue { amount } } }`, { id: a.seller.sellerId }, token),
        storeLowStock: await stack.request(`query ($id: ID!) { seller(id: $id) { lowStock(threshold: 1000) { variantId } } }`, { id: a.seller.sellerId }, token),
      };
      const codes = Object.fromEntries(Object.entries(tries).map(([what, res]) => [what, errorCode(res)]));
      expect(codes).toEqual(Object.fromEntries(Object.keys(tries).map((what) => [what, 'FORBIDDEN'])));
      // Keys and other stores' sessions are refused as well.
      if (token === b.token) {
        expect(errorCode(await stack.request(op('RevokeApiKey'), { id: aKey.id }, token))).toBe('FORBIDDEN');
        expect(errorCode(await stack.request(`query ($id: ID!) { seller(id: $id) { apiKeys { id } } }`, { id: a.seller.sellerId }, token))).toBe('FORBIDDEN');
      }
      // What is A's and not public is simply not there.
      expect((await stack.request(op('ProductPage'), { id: a.draft.id }, token)).data.product).toBeNull();
      expect((await stack.request(op('OrderDetail'), { id: a.orderId }, token)).data.order).toBeNull();
      const drafts = await stack.request(
        `query ($id: ID!) { seller(id: $id) { productCount products(status: DRAFT) { totalCount } } }`,
        { id: a.seller.sellerId },
        token,
      );
      expect(drafts.data.seller).toEqual({ productCount: 1, products: { totalCount: 0 } });
      const catalog = await stack.request(op('Catalog'), { filter: { sellerId: a.seller.sellerId }, first: 100 }, token);
      expect(catalog.data.products.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([a.product.id]);
    }

    // B's dashboard is B's alone.
    const dashboard = (await stack.request(op('SellerDashboard'), {}, b.token)).data.mySeller;
    expect(dashboard).toMatchObject({ id: b.sellerId, productCount: 1, orders: { totalCount: 0 }, revenue: { amount: 0 } });
    expect(dashboard.products.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([bProduct.id]);

    // And nothing of A's changed: product, draft, variant, stock, order line, key.
    expect((await stack.request(STOCK, { id: a.product.id }, a.seller.token)).data.product).toEqual(before);
    expect((await stack.request(op('ProductPage'), { id: a.draft.id }, a.seller.token)).data.product.status).toBe('DRAFT');
    const order = (await stack.request(op('OrderDetail'), { id: a.orderId }, a.seller.token)).data.order;
    expect(order).toMatchObject({ status: 'CONFIRMED', shipments: [], lines: [{ id: a.lineId, status: 'CONFIRMED' }] });
    expect((await stack.request(op('OrderDetail'), { id: a.orderId }, aKey.secret)).data.order.id).toBe(a.orderId);
  });

  it('sees, of an order it shares with A, only its own lines, shipments and amounts', async () => {
    const { order, buyer, storeA: a, storeB: b, lineA, lineB } = await placeOrderFromTwoStores(stack, categoryId, warehouseId);
    const shipped = await stack.request(
      op('ShipOrderLines'),
      { input: { orderId: order.id, lineIds: [lineA], carrier: 'UPS', trackingNumber: '1ZA' } },
      a.token,
    );
    expect(shipped.data.shipOrderLines.userErrors).toEqual([]);

    const asB = (await stack.request(op('OrderDetail'), { id: order.id }, b.token)).data.order;
    expect(asB.lines.map((l: { id: string }) => l.id)).toEqual([lineB]);
    expect(asB.shipments).toEqual([]);
    expect(asB.payment).toBeNull();
    // B's line is 1 × 1000; A's 2 × 3000 are not B's to know, not even as a sum.
    const shipping = order.shippingCost.amount as number;
    expect(asB.total).toEqual({ amount: 1000 + shipping, currencyCode: 'USD' });
    const asCustomer = (await stack.request(op('OrderDetail'), { id: order.id }, buyer.token)).data.order;
    expect(asCustomer.total).toEqual({ amount: 7000 + shipping, currencyCode: 'USD' });
    const listed = await stack.request(`{ mySeller { orders { edges { node { id subtotal { amount } total { amount } } } } } }`, {}, b.token);
    expect(listed.data.mySeller.orders.edges).toEqual([{ node: { id: order.id, subtotal: { amount: 1000 }, total: { amount: 1000 + shipping } } }]);
  });
});
