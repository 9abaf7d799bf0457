import { sqlStatements, startSubgraph, type RunningServer } from '@marketplace/runtime';
import { asAdmin, asApiKey, asSeller, asUser, subgraphRequest } from '@marketplace/runtime/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventory } from '../../inventory/src/index';
import { products } from '../../products/src/index';
import { db } from '../src/db/client';
import { orderEvents, orderLines, orders as ordersTable } from '../src/db/schema';
import { orders } from '../src/index';

const servers: Record<string, RunningServer> = {};
beforeAll(async () => {
  for (const [name, def] of Object.entries({ products, inventory, orders })) {
    servers[name] = await startSubgraph(def as Parameters<typeof startSubgraph>[0], { port: 0 });
    process.env[`${name.toUpperCase()}_URL`] = servers[name]!.url;
  }
});
afterAll(() => Promise.all(Object.values(servers).map((s) => s.stop())));

const gql = (name: string, query: string, variables: Record<string, unknown> = {}, identity?: Parameters<typeof subgraphRequest>[3]) =>
  subgraphRequest(servers[name]!.url, query, variables, identity);

/** An order placed directly in the table (checkout belongs to the next milestone). */
async function placeOrder(customerId: string, lines: { sellerId: string; productId?: string; price?: number; quantity?: number }[], status: 'CONFIRMED' | 'CANCELLED' = 'CONFIRMED', placedAt = new Date()) {
  const subtotal = lines.reduce((s, l) => s + (l.price ?? 1000) * (l.quantity ?? 1), 0);
  const [order] = await db
    .insert(ordersTable)
    .values({
      customerId,
      status,
      shippingSpeed: 'STANDARD',
      shipFullName: 'Ada Lovelace',
      shipLine1: '1 Analytical Way',
      shipCity: 'London',
      shipPostalCode: 'N1 1AA',
      shipCountry: 'GB',
      subtotal,
      shippingCost: 499,
      total: subtotal + 499,
      currencyCode: 'USD',
      placedAt,
    })
    .returning();
  await db.insert(orderLines).values(
    lines.map((l, position) => ({
      orderId: order!.id,
      variantId: randomUUID(),
      productId: l.productId ?? randomUUID(),
      sellerId: l.sellerId,
      title: `Item ${position}`,
      sku: `SKU-${position}`,
      unitPrice: l.price ?? 1000,
      quantity: l.quantity ?? 1,
      status: status === 'CANCELLED' ? ('CANCELLED' as const) : ('CONFIRMED' as const),
      position,
    })),
  );
  await db.insert(orderEvents).values({ orderId: order!.id, status });
  return order!;
}

const ORDER = `query ($id: ID!) { order(id: $id) { id number status total { amount currencyCode }
  lines { quantity unitPrice { amount } seller { id } } events { status } shippingAddress { city country } customer { id } } }`;

describe('reading orders', () => {
  it('shows an order whole to its customer and operators, only their lines to sellers, nothing to others', async () => {
    const customer = randomUUID();
    const [a, b] = [randomUUID(), randomUUID()];
    const order = await placeOrder(customer, [{ sellerId: a, price: 1500, quantity: 2 }, { sellerId: b, price: 700 }]);
    const own = await gql('orders', ORDER, { id: order.id }, asUser(customer));
    expect(own.data!.order).toMatchObject({
      number: expect.stringMatching(/^MK-\d{6,}$/),
      status: 'CONFIRMED',
      total: { amount: 3700 + 499, currencyCode: 'USD' },
      events: [{ status: 'CONFIRMED' }],
      shippingAddress: { city: 'London', country: 'GB' },
      customer: { id: customer },
    });
    expect(own.data!.order.lines).toHaveLength(2);
    expect((await gql('orders', ORDER, { id: order.id }, asAdmin(randomUUID()))).data!.order.lines).toHaveLength(2);
    const sellerView = await gql('orders', ORDER, { id: order.id }, asSeller(randomUUID(), a));
    expect(sellerView.data!.order.lines).toEqual([{ quantity: 2, unitPrice: { amount: 1500 }, seller: { id: a } }]);
    const keyView = await gql('orders', ORDER, { id: order.id }, asApiKey(randomUUID(), b, ['ORDERS_READ']));
    expect(keyView.data!.order.lines).toEqual([{ quantity: 1, unitPrice: { amount: 700 }, seller: { id: b } }]);
    for (const stranger of [asUser(randomUUID()), asSeller(randomUUID(), randomUUID())]) {
      expect((await gql('orders', ORDER, { id: order.id }, stranger)).data!.order).toBeNull();
    }
    expect((await gql('orders', ORDER, { id: 'nope' }, asUser(customer))).data!.order).toBeNull();
    const forged = await subgraphRequest(servers.orders!.url, ORDER, { id: order.id }, undefined, { 'x-user-id': customer });
    expect(forged.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it("lists a customer's and a store's orders newest first, without gaps across pages", async () => {
    const customer = randomUUID();
    const seller = randomUUID();
    const placed: string[] = [];
    for (let i = 0; i < 7; i++) placed.unshift((await placeOrder(customer, [{ sellerId: seller }], 'CONFIRMED', new Date(Date.now() - 60_000 + i * 1000))).id);
    const q = `query ($reps: [_Any!]!, $after: String) { _entities(representations: $reps) {
      ... on User { orders(first: 3, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }
      ... on Seller { orders(first: 3, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } } } }`;
    for (const [rep, identity] of [
      [{ __typename: 'User', id: customer }, asUser(customer)],
      [{ __typename: 'Seller', id: seller }, asSeller(randomUUID(), seller)],
    ] as const) {
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const res = await gql('orders', q, { reps: [rep], after }, identity);
        const list = res.data!._entities[0].orders;
        expect(list.totalCount).toBe(7);
        seen.push(...list.edges.map((e: { node: { id: string } }) => e.node.id));
        if (!list.pageInfo.hasNextPage) break;
        after = list.pageInfo.endCursor;
      }
      expect(seen).toEqual(placed);
    }
    const other = await gql('orders', q, { reps: [{ __typename: 'Seller', id: seller }], after: null }, asSeller(randomUUID(), randomUUID()));
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it("sums a store's revenue over bought lines only", async () => {
    const seller = randomUUID();
    await placeOrder(randomUUID(), [{ sellerId: seller, price: 2000, quantity: 3 }, { sellerId: randomUUID(), price: 999 }]);
    await placeOrder(randomUUID(), [{ sellerId: seller, price: 500 }]);
    await placeOrder(randomUUID(), [{ sellerId: seller, price: 10_000 }], 'CANCELLED');
    const res = await gql('orders', `query ($id: ID!) { _entities(representations: [{ __typename: "Seller", id: $id }]) { ... on Seller { revenue { amount currencyCode } } } }`, { id: seller }, asSeller(randomUUID(), seller));
    expect(res.data!._entities[0].revenue).toEqual({ amount: 6500, currencyCode: 'USD' });
  });

  it('costs the same SQL statements for 5 orders as for 50', async () => {
    const customer = randomUUID();
    for (let i = 0; i < 50; i++) await placeOrder(customer, [{ sellerId: randomUUID() }, { sellerId: randomUUID() }]);
    const q = `query ($n: Int) { orders(first: $n) { totalCount edges { node { number lines { title unitPrice { amount } } events { status } shipments { carrier } returnRequests { id } } } } }`;
    const cost = async (n: number) => {
      const before = sqlStatements.count;
      const res = await gql('orders', q, { n }, asAdmin(randomUUID()));
      expect(res.data!.orders.edges).toHaveLength(n);
      return sqlStatements.count - before;
    };
    expect(await cost(50)).toBe(await cost(5));
  });
});

describe('the cart', () => {
  const admin = asAdmin(randomUUID());
  const seller = asSeller(randomUUID(), randomUUID());
  let variantId: string;
  let productId: string;

  beforeAll(async () => {
    const slug = `cart-${randomUUID().slice(0, 8)}`;
    const cat = await gql('products', `mutation ($s: String!) { createCategory(input: { name: "Cart", slug: $s }) { category { id } } }`, { s: slug }, admin);
    const created = await gql(
      'products',
      `mutation ($c: ID!, $sku: String!) { createProduct(input: { title: "Mug", description: "", brand: "Clay", categoryId: $c,
        variants: [{ sku: $sku, title: "Blue", price: 1250 }] }) { product { id variants { id } } userErrors { code } } }`,
      { c: cat.data!.createCategory.category.id, sku: randomUUID().slice(0, 10) },
      seller,
    );
    productId = created.data!.createProduct.product.id;
    variantId = created.data!.createProduct.product.variants[0].id;
    const wh = await gql('inventory', `mutation ($c: String!) { createWarehouse(input: { code: $c, name: "Main", region: "NY" }) { warehouse { id } } }`, { c: `C${randomUUID().slice(0, 6).toUpperCase()}` }, admin);
    const stock = await gql('inventory', `mutation ($v: ID!, $w: ID!) { setStock(variantId: $v, warehouseId: $w, onHand: 120) { userErrors { code } } }`, { v: variantId, w: wh.data!.createWarehouse.warehouse.id }, seller);
    expect(stock.data!.setStock.userErrors).toEqual([]);
  });

  const ADD = `mutation ($v: ID!, $q: Int!) { addToCart(variantId: $v, quantity: $q) { cart { itemCount subtotal { amount } lines { id quantity } } userErrors { code } } }`;
  const CART = `query ($id: ID!) { _entities(representations: [{ __typename: "User", id: $id }]) { ... on User { cart { itemCount subtotal { amount currencyCode } lines { id quantity unitPrice { amount } lineTotal { amount } variant { id } } } } } }`;

  it('adds, prices at the current price, updates and removes lines', async () => {
    const customer = randomUUID();
    const me = asUser(customer);
    const empty = await gql('orders', CART, { id: customer }, me);
    expect(empty.data!._entities[0].cart).toMatchObject({ itemCount: 0, subtotal: { amount: 0, currencyCode: 'USD' }, lines: [] });
    await gql('orders', ADD, { v: variantId, q: 2 }, me);
    const added = await gql('orders', ADD, { v: variantId, q: 1 }, me);
    expect(added.data!.addToCart.cart).toMatchObject({ itemCount: 3, subtotal: { amount: 3750 } });
    const lineId = added.data!.addToCart.cart.lines[0].id;

    await gql('products', `mutation ($id: ID!) { updateProductVariant(id: $id, input: { price: 1000 }) { userErrors { code } } }`, { id: variantId }, seller);
    const repriced = await gql('orders', CART, { id: customer }, me);
    expect(repriced.data!._entities[0].cart).toMatchObject({ itemCount: 3, subtotal: { amount: 3000 } });
    expect(repriced.data!._entities[0].cart.lines[0]).toMatchObject({ unitPrice: { amount: 1000 }, lineTotal: { amount: 3000 } });

    const updated = await gql('orders', `mutation ($id: ID!) { updateCartLine(lineId: $id, quantity: 5) { cart { itemCount } userErrors { code } } }`, { id: lineId }, me);
    expect(updated.data!.updateCartLine.cart.itemCount).toBe(5);
    const removed = await gql('orders', `mutation ($id: ID!) { removeCartLine(lineId: $id) { cart { itemCount } userErrors { code } } }`, { id: lineId }, me);
    expect(removed.data!.removeCartLine.cart.itemCount).toBe(0);
    const again = await gql('orders', `mutation ($id: ID!) { removeCartLine(lineId: $id) { cart { itemCount } userErrors { code } } }`, { id: lineId }, me);
    expect(again.data!.removeCartLine.userErrors).toEqual([{ code: 'NOT_FOUND' }]);
  });

  it('refuses bad quantities, unknown variants, more than available, and other people’s lines', async () => {
    const me = asUser(randomUUID());
    const code = async (v: string, q: number) => (await gql('orders', ADD, { v, q }, me)).data!.addToCart.userErrors[0]?.code;
    expect(await code(variantId, 0)).toBe('INVALID_QUANTITY');
    expect(await code(variantId, 100)).toBe('INVALID_QUANTITY');
    expect(await code(randomUUID(), 1)).toBe('NOT_FOUND');
    expect(await code('junk', 1)).toBe('NOT_FOUND');
    expect(await code(variantId, 99)).toBeUndefined();
    expect(await code(variantId, 1)).toBe('INVALID_QUANTITY');
    const other = asUser(randomUUID());
    const mine = await gql('orders', CART, { id: (me as { userId: string }).userId }, me);
    const lineId = mine.data!._entities[0].cart.lines[0].id;
    const theirs = await gql('orders', `mutation ($id: ID!) { updateCartLine(lineId: $id, quantity: 1) { userErrors { code } } }`, { id: lineId }, other);
    expect(theirs.data!.updateCartLine.userErrors).toEqual([{ code: 'NOT_FOUND' }]);
    const peek = await gql('orders', CART, { id: (me as { userId: string }).userId }, other);
    expect(peek.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Drafts are not for sale.
    await gql('products', `mutation ($id: ID!) { updateProduct(id: $id, input: { status: DRAFT }) { userErrors { code } } }`, { id: productId }, seller);
    expect(await code(variantId, 1)).toBe('NOT_FOUND');
    await gql('products', `mutation ($id: ID!) { updateProduct(id: $id, input: { status: ACTIVE }) { userErrors { code } } }`, { id: productId }, seller);
  });

  it('refuses more units than are available, and concurrent adds never pass 99 in a line', async () => {
    const me = asUser(randomUUID());
    const tooMany = await gql('orders', ADD, { v: variantId, q: 99 }, me);
    expect(tooMany.data!.addToCart.userErrors).toEqual([]);
    const other = asUser(randomUUID());
    const racing = await Promise.all(Array.from({ length: 10 }, () => gql('orders', ADD, { v: variantId, q: 15 }, other)));
    const final = await gql('orders', CART, { id: (other as { userId: string }).userId }, other);
    const quantity = final.data!._entities[0].cart.lines[0].quantity;
    expect(quantity).toBeLessThanOrEqual(99);
    expect(quantity).toBe(15 * racing.filter((r) => r.data!.addToCart.userErrors.length === 0).length);
  });
});

describe('frequently bought together', () => {
  it('ranks products by shared orders, excluding the product itself and inactive products', async () => {
    const admin = asAdmin(randomUUID());
    const seller = asSeller(randomUUID(), randomUUID());
    const cat = await gql('products', `mutation ($s: String!) { createCategory(input: { name: "FBT", slug: $s }) { category { id } } }`, { s: `fbt-${randomUUID().slice(0, 8)}` }, admin);
    const make = async (title: string) =>
      (
        await gql(
          'products',
          `mutation ($c: ID!, $t: String!, $sku: String!) { createProduct(input: { title: $t, description: "", brand: "B", categoryId: $c, variants: [{ sku: $sku, title: "V", price: 100 }] }) { product { id } } }`,
          { c: cat.data!.createCategory.category.id, t: title, sku: randomUUID().slice(0, 10) },
          seller,
        )
      ).data!.createProduct.product.id as string;
    const [tent, stakes, lamp, stove] = [await make('Tent'), await make('Stakes'), await make('Lamp'), await make('Stove')];
    const sellerId = randomUUID();
    for (let i = 0; i < 3; i++) await placeOrder(randomUUID(), [{ sellerId, productId: tent }, { sellerId, productId: stakes }]);
    await placeOrder(randomUUID(), [{ sellerId, productId: tent }, { sellerId, productId: lamp }]);
    await placeOrder(randomUUID(), [{ sellerId, productId: tent }, { sellerId, productId: stove }]);
    await placeOrder(randomUUID(), [{ sellerId, productId: tent }, { sellerId, productId: stove }], 'CANCELLED');
    await gql('products', `mutation ($id: ID!) { updateProduct(id: $id, input: { status: ARCHIVED }) { userErrors { code } } }`, { id: lamp }, seller);
    const q = `query ($id: ID!) { _entities(representations: [{ __typename: "Product", id: $id }]) { ... on Product { frequentlyBoughtTogether(first: 4) { id } } } }`;
    const res = await gql('orders', q, { id: tent });
    expect(res.data!._entities[0].frequentlyBoughtTogether).toEqual([{ id: stakes }, { id: stove }]);
    const back = await gql('orders', q, { id: stakes });
    expect(back.data!._entities[0].frequentlyBoughtTogether).toEqual([{ id: tent }]);
  });
});
