import { asAdmin, asApiKey, asUser } from '@marketplace/runtime/testing';
import type { Identity } from '@marketplace/runtime';
import { randomUUID } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProduct, useSubgraphs } from './support';

const gql = useSubgraphs();

const CART = `query ($id: ID!) { _entities(representations: [{ __typename: "User", id: $id }]) { ... on User { cart {
  id itemCount updatedAt subtotal { amount currencyCode } lines { id quantity unitPrice { amount currencyCode } lineTotal { amount } variant { id } } } } } }`;
const ADD = `mutation ($v: ID!, $q: Int!) { addToCart(variantId: $v, quantity: $q) {
  cart { id itemCount subtotal { amount } lines { id quantity variant { id } } } userErrors { field code } } }`;
const UPDATE = `mutation ($id: ID!, $q: Int!) { updateCartLine(lineId: $id, quantity: $q) { cart { itemCount lines { quantity } } userErrors { code } } }`;
const REMOVE = `mutation ($id: ID!) { removeCartLine(lineId: $id) { cart { itemCount lines { id } } userErrors { code } } }`;

/** A shopper with helpers to read and change its cart. */
function shopper() {
  const id = randomUUID();
  const identity = asUser(id);
  return {
    id,
    identity,
    cart: async () => (await gql('orders', CART, { id }, identity)).data!._entities[0].cart,
    add: async (v: string, q: number) => (await gql('orders', ADD, { v, q }, identity)).data!.addToCart,
    update: async (lineId: string, q: number) => (await gql('orders', UPDATE, { id: lineId, q }, identity)).data!.updateCartLine,
    remove: async (lineId: string) => (await gql('orders', REMOVE, { id: lineId }, identity)).data!.removeCartLine,
  };
}

let product: Awaited<ReturnType<typeof createProduct>>;
let warehouseId: string;
/** 120 on hand: more than a line may hold. */
let plenty: string;
/** 5 on hand. */
let scarce: string;

beforeAll(async () => {
  product = await createProduct(gql, 'Mug', [1250, 800]);
  [plenty, scarce] = product.variantIds as [string, string];
  const warehouse = await gql(
    'inventory',
    `mutation ($code: String!) { createWarehouse(input: { code: $code, name: "Main", region: "NY" }) { warehouse { id } } }`,
    { code: `W${randomUUID().slice(0, 6).toUpperCase()}` },
    asAdmin(randomUUID()),
  );
  warehouseId = warehouse.data!.createWarehouse.warehouse.id;
  await setStock(product, plenty, 120);
  await setStock(product, scarce, 5);
});

async function setStock(of: typeof product, variantId: string, onHand: number) {
  const stock = await gql(
    'inventory',
    `mutation ($v: ID!, $w: ID!, $n: Int!) { setStock(variantId: $v, warehouseId: $w, onHand: $n) { userErrors { code } } }`,
    { v: variantId, w: warehouseId, n: onHand },
    of.seller,
  );
  expect(stock.data!.setStock.userErrors).toEqual([]);
}

const setPrice = (variantId: string, price: number) =>
  gql('products', `mutation ($id: ID!, $p: Int!) { updateProductVariant(id: $id, input: { price: $p }) { userErrors { code } } }`, { id: variantId, p: price }, product.seller);
const setStatus = (status: string) =>
  gql('products', `mutation ($id: ID!, $s: ProductStatus!) { updateProduct(id: $id, input: { status: $s }) { userErrors { code } } }`, { id: product.productId, s: status }, product.seller);

describe('the cart', () => {
  it('starts empty, adds to a line, prices at the current price, updates and removes lines', async () => {
    const me = shopper();
    const empty = await me.cart();
    expect(empty).toMatchObject({ itemCount: 0, subtotal: { amount: 0, currencyCode: 'USD' }, lines: [] });
    expect(empty.id).toEqual(expect.any(String));

    await me.add(plenty, 2);
    await me.add(scarce, 1);
    const added = await me.add(plenty, 1);
    expect(added.userErrors).toEqual([]);
    // Still one line per variant, newest first, and the same cart as before.
    expect(added.cart).toMatchObject({ id: empty.id, itemCount: 4, subtotal: { amount: 3 * 1250 + 800 } });
    expect(added.cart.lines.map((l: { variant: { id: string }; quantity: number }) => [l.variant.id, l.quantity])).toEqual([
      [scarce, 1],
      [plenty, 3],
    ]);

    await setPrice(plenty, 1000);
    try {
      const repriced = await me.cart();
      expect(repriced).toMatchObject({ itemCount: 4, subtotal: { amount: 3000 + 800, currencyCode: 'USD' } });
      expect(repriced.lines[1]).toMatchObject({ unitPrice: { amount: 1000, currencyCode: 'USD' }, lineTotal: { amount: 3000 } });
      expect(new Date(repriced.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(empty.updatedAt).getTime());
    } finally {
      await setPrice(plenty, 1250);
    }

    const [scarceLine, plentyLine] = (await me.cart()).lines;
    expect((await me.update(plentyLine.id, 7)).cart).toMatchObject({ itemCount: 8 });
    const removed = await me.remove(scarceLine.id);
    expect(removed.cart).toMatchObject({ itemCount: 7, lines: [{ id: plentyLine.id }] });
    expect((await me.remove(scarceLine.id)).userErrors).toEqual([{ code: 'NOT_FOUND' }]);
  });

  it('refuses bad quantities and variants that are unknown or not for sale, writing nothing', async () => {
    const me = shopper();
    for (const q of [0, -1, 100]) expect((await me.add(plenty, q)).userErrors).toEqual([{ field: ['quantity'], code: 'INVALID_QUANTITY' }]);
    for (const v of [randomUUID(), 'not-an-id']) expect((await me.add(v, 1)).userErrors).toEqual([{ field: ['variantId'], code: 'NOT_FOUND' }]);
    await setStatus('ARCHIVED');
    try {
      expect((await me.add(plenty, 1)).userErrors).toEqual([{ field: ['variantId'], code: 'NOT_FOUND' }]);
    } finally {
      await setStatus('ACTIVE');
    }
    expect((await me.cart()).lines).toEqual([]);

    expect((await me.add(plenty, 98)).userErrors).toEqual([]);
    expect((await me.add(plenty, 2)).userErrors).toEqual([{ field: ['quantity'], code: 'INVALID_QUANTITY' }]);
    const [line] = (await me.cart()).lines;
    expect(line.quantity).toBe(98);
    for (const q of [0, 100]) expect((await me.update(line.id, q)).userErrors).toEqual([{ code: 'INVALID_QUANTITY' }]);
    expect((await me.cart()).lines[0].quantity).toBe(98);
  });

  it('refuses more units than are available, on add and on update', async () => {
    const me = shopper();
    expect((await me.add(scarce, 6)).userErrors).toEqual([{ field: ['quantity'], code: 'INSUFFICIENT_STOCK' }]);
    expect((await me.cart()).lines).toEqual([]);
    expect((await me.add(scarce, 4)).userErrors).toEqual([]);
    expect((await me.add(scarce, 2)).userErrors).toEqual([{ field: ['quantity'], code: 'INSUFFICIENT_STOCK' }]);
    const [line] = (await me.cart()).lines;
    expect((await me.update(line.id, 6)).userErrors).toEqual([{ code: 'INSUFFICIENT_STOCK' }]);
    expect((await me.update(line.id, 5)).cart.itemCount).toBe(5);
  });

  it('never lets concurrent adds pass 99 units or the stock in a line', async () => {
    for (const [variantId, limit] of [[plenty, 99], [scarce, 5]] as const) {
      const me = shopper();
      const results = await Promise.all(Array.from({ length: 12 }, () => me.add(variantId, limit === 99 ? 15 : 2)));
      const accepted = results.filter((r) => r.userErrors.length === 0).length;
      const [line] = (await me.cart()).lines;
      expect(line.quantity).toBeLessThanOrEqual(limit);
      expect(line.quantity).toBe(accepted * (limit === 99 ? 15 : 2));
    }
  });

  it('is its owner’s alone', async () => {
    const owner = shopper();
    await owner.add(plenty, 1);
    const [line] = (await owner.cart()).lines;
    const other = shopper();
    const code = (res: { errors?: { extensions?: { code?: unknown } }[] }) => res.errors?.[0]?.extensions?.code;
    expect(code(await gql('orders', UPDATE, { id: line.id, q: 2 }, other.identity))).toBe('FORBIDDEN');
    expect(code(await gql('orders', REMOVE, { id: line.id }, other.identity))).toBe('FORBIDDEN');
    expect((await other.update(randomUUID(), 2)).userErrors).toEqual([{ code: 'NOT_FOUND' }]);
    expect((await owner.cart()).lines).toMatchObject([{ quantity: 1 }]);
    const intruders: Identity[] = [other.identity, asAdmin(randomUUID()), asApiKey(randomUUID(), randomUUID(), ['ORDERS_READ', 'ORDERS_WRITE'])];
    for (const intruder of intruders) {
      expect((await gql('orders', CART, { id: owner.id }, intruder)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const byKey = await gql('orders', ADD, { v: plenty, q: 1 }, asApiKey(randomUUID(), randomUUID(), ['ORDERS_WRITE']));
    expect(byKey.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('prices all its lines with one call to the catalog, however many there are', async () => {
    const many = await createProduct(gql, 'Sticker', [100, 200, 300, 400, 500, 600]);
    for (const variantId of many.variantIds) await setStock(many, variantId, 10);
    const me = shopper();
    for (const variantId of many.variantIds) expect((await me.add(variantId, 2)).userErrors).toEqual([]);
    // Counted where the catalog receives them (its server runs in this process), whatever client sent them.
    const catalogCalls: string[] = [];
    const received = (message: unknown) => {
      const url = (message as { request: IncomingMessage }).request.url ?? '';
      if (url.endsWith('/internal/variantsByIds')) catalogCalls.push(url);
    };
    subscribe('http.server.request.start', received);
    try {
      const cart = await me.cart();
      expect(cart).toMatchObject({ itemCount: 12, subtotal: { amount: 2 * 2100 } });
      expect(cart.lines.map((l: { lineTotal: { amount: number } }) => l.lineTotal.amount)).toEqual([1200, 1000, 800, 600, 400, 200]);
      expect(catalogCalls).toHaveLength(1);
    } finally {
      unsubscribe('http.server.request.start', received);
    }
  });
});
