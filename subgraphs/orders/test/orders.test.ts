import { encodeCursor, sqlStatements } from '@marketplace/runtime';
import { asAdmin, asApiKey, asSeller, asUser, subgraphRequest } from '@marketplace/runtime/testing';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '../src/db/client';
import { orderLines, returnRequestLines, returnRequests, shipments } from '../src/db/schema';
import { createProduct, placeOrder, useSubgraphs } from './support';

const gql = useSubgraphs();

const ORDER = `query ($id: ID!) { order(id: $id) { id number status total { amount currencyCode }
  lines { quantity unitPrice { amount currencyCode } lineTotal { amount } seller { id } }
  events { status } shippingAddress { city country } customer { id } } }`;

describe('reading an order', () => {
  it('shows an order whole to its customer and operators, only their lines to stores, nothing to others', async () => {
    const customer = randomUUID();
    const [a, b] = [randomUUID(), randomUUID()];
    const order = await placeOrder(customer, [{ sellerId: a, price: 1500, quantity: 2 }, { sellerId: b, price: 700 }]);

    const own = await gql('orders', ORDER, { id: order.id }, asUser(customer));
    expect(own.data!.order).toMatchObject({
      number: expect.stringMatching(/^MK-\d{6,}$/),
      status: 'CONFIRMED',
      total: { amount: 3700 + 499, currencyCode: 'USD' },
      events: [{ status: 'PENDING_PAYMENT' }, { status: 'CONFIRMED' }],
      shippingAddress: { city: 'London', country: 'GB' },
      customer: { id: customer },
    });
    expect(own.data!.order.lines).toEqual([
      { quantity: 2, unitPrice: { amount: 1500, currencyCode: 'USD' }, lineTotal: { amount: 3000 }, seller: { id: a } },
      { quantity: 1, unitPrice: { amount: 700, currencyCode: 'USD' }, lineTotal: { amount: 700 }, seller: { id: b } },
    ]);
    expect((await gql('orders', ORDER, { id: order.id }, asAdmin(randomUUID()))).data!.order.lines).toHaveLength(2);

    const storeView = await gql('orders', ORDER, { id: order.id }, asSeller(randomUUID(), a));
    expect(storeView.data!.order.lines.map((l: { seller: { id: string } }) => l.seller.id)).toEqual([a]);
    const keyView = await gql('orders', ORDER, { id: order.id }, asApiKey(randomUUID(), b, ['ORDERS_READ']));
    expect(keyView.data!.order.lines.map((l: { seller: { id: string } }) => l.seller.id)).toEqual([b]);

    for (const stranger of [asUser(randomUUID()), asSeller(randomUUID(), randomUUID()), asApiKey(randomUUID(), randomUUID(), ['ORDERS_READ'])]) {
      expect((await gql('orders', ORDER, { id: order.id }, stranger)).data!.order).toBeNull();
    }
    const writeOnlyKey = await gql('orders', ORDER, { id: order.id }, asApiKey(randomUUID(), a, ['ORDERS_WRITE']));
    expect(writeOnlyKey.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gql('orders', ORDER, { id: 'not-an-id' }, asUser(customer))).data!.order).toBeNull();
    expect((await gql('orders', ORDER, { id: randomUUID() }, asAdmin(randomUUID()))).data!.order).toBeNull();
  });

  it('treats made-up identity headers as anonymous', async () => {
    const customer = randomUUID();
    const order = await placeOrder(customer, [{ sellerId: randomUUID() }]);
    const forged = await gql('orders', ORDER, { id: order.id }, undefined);
    expect(forged.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const withHeaders = await subgraphRequest(process.env.ORDERS_URL!, ORDER, { id: order.id }, undefined, {
      'x-user-id': customer,
      'x-roles': 'ADMIN',
    });
    expect(withHeaders.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(withHeaders.data?.order ?? null).toBeNull();
  });

  it("keeps a store to its own lines through the order's shipments and return requests", async () => {
    const customer = randomUUID();
    const [a, b] = [randomUUID(), randomUUID()];
    const order = await placeOrder(customer, [{ sellerId: a, status: 'DELIVERED' }, { sellerId: b, status: 'RETURN_REQUESTED' }], {
      status: 'RETURN_REQUESTED',
    });
    for (const line of order.lines) {
      const [parcel] = await db
        .insert(shipments)
        .values({ orderId: order.id, sellerId: line.sellerId, carrier: 'UPS', trackingNumber: `1Z${line.position}`, status: 'DELIVERED', deliveredAt: new Date() })
        .returning();
      await db.update(orderLines).set({ shipmentId: parcel!.id }).where(eq(orderLines.id, line.id));
    }
    const [request] = await db.insert(returnRequests).values({ orderId: order.id, status: 'REQUESTED', reason: 'Too small' }).returning();
    await db.insert(returnRequestLines).values({ returnRequestId: request!.id, orderLineId: order.lines[1]!.id });

    const q = `query ($id: ID!) { order(id: $id) {
      shipments { carrier status lines { seller { id } } order { lines { seller { id } } } }
      returnRequests { reason status lines { seller { id } } order { lines { seller { id } } } } } }`;
    const sellersOf = (lines: { seller: { id: string } }[]) => lines.map((l) => l.seller.id);

    const asA = (await gql('orders', q, { id: order.id }, asSeller(randomUUID(), a))).data!.order;
    expect(asA.shipments.map((s: { lines: never[] }) => sellersOf(s.lines))).toEqual([[a]]);
    expect(sellersOf(asA.shipments[0].order.lines)).toEqual([a]);
    expect(asA.returnRequests).toEqual([]);

    const asB = (await gql('orders', q, { id: order.id }, asSeller(randomUUID(), b))).data!.order;
    expect(asB.returnRequests).toHaveLength(1);
    expect(sellersOf(asB.returnRequests[0].lines)).toEqual([b]);
    expect(sellersOf(asB.returnRequests[0].order.lines)).toEqual([b]);
    expect(sellersOf(asB.shipments[0].order.lines)).toEqual([b]);

    const asCustomer = (await gql('orders', q, { id: order.id }, asUser(customer))).data!.order;
    expect(asCustomer.shipments).toHaveLength(2);
    expect(asCustomer.returnRequests).toMatchObject([{ reason: 'Too small', status: 'REQUESTED' }]);
    expect(sellersOf(asCustomer.shipments[0].order.lines)).toEqual([a, b]);
  });
});

describe('lists of orders', () => {
  const PAGE = `query ($reps: [_Any!]!, $after: String) { _entities(representations: $reps) {
    ... on User { orders(first: 3, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id lines { seller { id } } } } } }
    ... on Seller { orders(first: 3, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id lines { seller { id } } } } } } } }`;

  it("pages a customer's and a store's orders newest first, without gaps or repeats", async () => {
    const customer = randomUUID();
    const store = randomUUID();
    const newestFirst: string[] = [];
    // Two orders share a placing instant: the id breaks the tie, so neither is lost between pages.
    const instants = [0, 1, 2, 3, 3, 4, 5].map((s) => new Date(Date.UTC(2026, 0, 1, 12, 0, s)));
    for (const placedAt of instants) {
      newestFirst.unshift((await placeOrder(customer, [{ sellerId: store }, { sellerId: randomUUID() }], { placedAt })).id);
    }
    // Tied orders come out in descending id order.
    const tied = newestFirst.slice(2, 4).sort().reverse();
    newestFirst.splice(2, 2, ...tied);

    for (const [rep, identity] of [
      [{ __typename: 'User', id: customer }, asUser(customer)],
      [{ __typename: 'User', id: customer }, asAdmin(randomUUID())],
      [{ __typename: 'Seller', id: store }, asSeller(randomUUID(), store)],
      [{ __typename: 'Seller', id: store }, asApiKey(randomUUID(), store, ['ORDERS_READ'])],
    ] as const) {
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const res = await gql('orders', PAGE, { reps: [rep], after }, identity);
        const list = res.data!._entities[0].orders;
        expect(list.totalCount).toBe(7);
        for (const { node } of list.edges) {
          seen.push(node.id);
          expect(node.lines).toHaveLength(rep.__typename === 'Seller' ? 1 : 2);
        }
        if (!list.pageInfo.hasNextPage) break;
        after = list.pageInfo.endCursor;
      }
      expect(seen).toEqual(newestFirst);
    }
  });

  it('refuses other people’s lists and malformed page arguments', async () => {
    const store = randomUUID();
    const customer = randomUUID();
    const sellerPage = { reps: [{ __typename: 'Seller', id: store }], after: null };
    for (const outsider of [asSeller(randomUUID(), randomUUID()), asUser(randomUUID()), asApiKey(randomUUID(), randomUUID(), ['ORDERS_READ'])]) {
      expect((await gql('orders', PAGE, sellerPage, outsider)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const userPage = { reps: [{ __typename: 'User', id: customer }], after: null };
    expect((await gql('orders', PAGE, userPage, asUser(randomUUID()))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gql('orders', `{ orders { totalCount } }`, {}, asUser(customer))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const admin = asAdmin(randomUUID());
    const ALL = `query ($first: Int, $after: String) { orders(first: $first, after: $after) { totalCount } }`;
    for (const args of [{ first: 0 }, { first: 101 }, { after: 'garbage' }, { after: encodeCursor(['yesterday', randomUUID()]) }, { after: encodeCursor([new Date().toISOString(), 'x']) }]) {
      expect((await gql('orders', ALL, args, admin)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('filters the operators’ list by status', async () => {
    const cancelled = await placeOrder(randomUUID(), [{ sellerId: randomUUID() }], { status: 'CANCELLED', placedAt: new Date(Date.now() + 60_000) });
    const res = await gql('orders', `{ orders(status: CANCELLED, first: 100) { edges { node { id status } } } }`, {}, asAdmin(randomUUID()));
    const nodes = res.data!.orders.edges.map((e: { node: unknown }) => e.node);
    expect(nodes[0]).toEqual({ id: cancelled.id, status: 'CANCELLED' });
    expect(nodes.every((n: { status: string }) => n.status === 'CANCELLED')).toBe(true);
  });

  it('costs the same SQL statements for 5 orders as for 50', async () => {
    const customer = randomUUID();
    for (let i = 0; i < 50; i++) await placeOrder(customer, [{ sellerId: randomUUID() }, { sellerId: randomUUID() }]);
    const q = `query ($n: Int) { orders(first: $n) { totalCount pageInfo { hasNextPage } edges { node { number total { amount }
      lines { title unitPrice { amount } lineTotal { amount } } events { status } shipments { carrier lines { id } } returnRequests { id } } } } }`;
    const cost = async (n: number) => {
      const before = sqlStatements.count;
      const res = await gql('orders', q, { n }, asAdmin(randomUUID()));
      expect(res.data!.orders.edges).toHaveLength(n);
      return sqlStatements.count - before;
    };
    expect(await cost(50)).toBe(await cost(5));
  });
});

describe('store revenue', () => {
  const REVENUE = `query ($id: ID!) { _entities(representations: [{ __typename: "Seller", id: $id }]) { ... on Seller { revenue { amount currencyCode } } } }`;

  it('sums the line totals the store kept: not cancelled, not returned, not unpaid', async () => {
    const store = randomUUID();
    await placeOrder(randomUUID(), [{ sellerId: store, price: 2000, quantity: 3 }, { sellerId: randomUUID(), price: 999 }]);
    await placeOrder(randomUUID(), [{ sellerId: store, price: 500, status: 'SHIPPED' }], { status: 'SHIPPED' });
    await placeOrder(randomUUID(), [{ sellerId: store, price: 10_000 }], { status: 'CANCELLED' });
    await placeOrder(randomUUID(), [{ sellerId: store, price: 7_000, status: 'PENDING' }], { status: 'PAYMENT_FAILED' });
    await placeOrder(randomUUID(), [{ sellerId: store, price: 4_000, status: 'PENDING' }], { status: 'PENDING_PAYMENT' });
    // A partly returned order: the returned line no longer counts, the kept one does.
    await placeOrder(
      randomUUID(),
      [
        { sellerId: store, price: 3_000, status: 'RETURNED' },
        { sellerId: store, price: 400, status: 'DELIVERED' },
      ],
      { status: 'RETURNED' },
    );
    const expected = { amount: 6000 + 500 + 400, currencyCode: 'USD' };
    expect((await gql('orders', REVENUE, { id: store }, asSeller(randomUUID(), store))).data!._entities[0].revenue).toEqual(expected);
    expect((await gql('orders', REVENUE, { id: store }, asAdmin(randomUUID()))).data!._entities[0].revenue).toEqual(expected);
    expect((await gql('orders', REVENUE, { id: randomUUID() }, asAdmin(randomUUID()))).data!._entities[0].revenue).toEqual({ amount: 0, currencyCode: 'USD' });
    expect((await gql('orders', REVENUE, { id: store }, asSeller(randomUUID(), randomUUID()))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('frequently bought together', () => {
  const FBT = `query ($id: ID!, $first: Int) { _entities(representations: [{ __typename: "Product", id: $id }]) { ... on Product { frequentlyBoughtTogether(first: $first) { id } } } }`;

  it('ranks products by shared paid orders, leaving out the product itself and products not for sale', async () => {
    const [tent, stakes, lamp, stove, mat] = await Promise.all(['Tent', 'Stakes', 'Lamp', 'Stove', 'Mat'].map(async (t) => createProduct(gql, t, [100])));
    const store = randomUUID();
    const line = (p: { productId: string }) => ({ sellerId: store, productId: p.productId });
    for (let i = 0; i < 3; i++) await placeOrder(randomUUID(), [line(tent), line(stakes), line(tent)]);
    for (let i = 0; i < 2; i++) await placeOrder(randomUUID(), [line(tent), line(stove)]);
    await placeOrder(randomUUID(), [line(tent), line(mat)]);
    for (let i = 0; i < 4; i++) await placeOrder(randomUUID(), [line(tent), line(lamp)]);
    // Orders that were never paid for are not purchases.
    for (const status of ['CANCELLED', 'PAYMENT_FAILED', 'PENDING_PAYMENT'] as const) {
      for (let i = 0; i < 3; i++) await placeOrder(randomUUID(), [line(tent), line(mat)], { status });
    }
    await gql('products', `mutation ($id: ID!) { updateProduct(id: $id, input: { status: ARCHIVED }) { userErrors { code } } }`, { id: lamp.productId }, lamp.seller);

    const ids = async (productId: string, first?: number) =>
      (await gql('orders', FBT, { id: productId, first })).data!._entities[0].frequentlyBoughtTogether.map((p: { id: string }) => p.id);
    expect(await ids(tent.productId)).toEqual([stakes.productId, stove.productId, mat.productId]);
    expect(await ids(tent.productId, 1)).toEqual([stakes.productId]);
    expect(await ids(stakes.productId)).toEqual([tent.productId]);
    for (const first of [0, 21]) {
      expect((await gql('orders', FBT, { id: tent.productId, first })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('shipping options', () => {
  it('lists every speed with its cost and delivery time, to anyone', async () => {
    const res = await gql('orders', `{ shippingOptions { speed cost { amount currencyCode } days } }`);
    expect(res.data!.shippingOptions).toEqual([
      { speed: 'STANDARD', cost: { amount: 499, currencyCode: 'USD' }, days: 5 },
      { speed: 'NEXT_DAY', cost: { amount: 1499, currencyCode: 'USD' }, days: 1 },
      { speed: 'SAME_DAY', cost: { amount: 2499, currencyCode: 'USD' }, days: 0 },
    ]);
  });
});
