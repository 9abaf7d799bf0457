import { callInternal, createRedis, startSubgraph, streamKey, type Identity, type RunningServer } from '@marketplace/runtime';
import { asAdmin, asApiKey, asSeller, asUser, subgraphRequest } from '@marketplace/runtime/testing';
import { eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventory } from '../../inventory/src/index';
import { payments } from '../../payments/src/index';
import { products } from '../../products/src/index';
import { users } from '../../users/src/index';
import { db } from '../src/db/client';
import { orderEvents, orderLines, orders as ordersTable, shipments } from '../src/db/schema';
import { orders } from '../src/index';
import { createProduct } from './support';

type Name = 'users' | 'products' | 'inventory' | 'payments' | 'orders';
const servers = {} as Record<Name, RunningServer>;
const gql = (name: Name, query: string, variables: Record<string, unknown> = {}, identity?: Identity) =>
  subgraphRequest(servers[name].url, query, variables, identity);

const admin = asAdmin(randomUUID());
const SHIPPING_COST = 499;
let warehouseId: string;

beforeAll(async () => {
  [servers.users, servers.products, servers.inventory, servers.payments, servers.orders] = await Promise.all(
    [users, products, inventory, payments, orders].map((definition) => startSubgraph(definition as Parameters<typeof startSubgraph>[0], { port: 0 })),
  );
  for (const name of Object.keys(servers) as Name[]) process.env[`${name.toUpperCase()}_URL`] = servers[name].url;
  const warehouse = await gql(
    'inventory',
    `mutation ($code: String!) { createWarehouse(input: { code: $code, name: "Main", region: "NY" }) { warehouse { id } } }`,
    { code: `L${randomUUID().slice(0, 6).toUpperCase()}` },
    admin,
  );
  warehouseId = warehouse.data!.createWarehouse.warehouse.id;
});
afterAll(() => Promise.all(Object.values(servers).map((s) => s.stop())));

const ON_HAND = 10;

/** A store with an ACTIVE product, one variant per price, ON_HAND units of each. */
async function openStore(prices: number[]) {
  const product = await createProduct(gql, 'Lamp', prices);
  for (const variantId of product.variantIds) {
    const stock = await gql(
      'inventory',
      `mutation ($v: ID!, $w: ID!, $n: Int!) { setStock(variantId: $v, warehouseId: $w, onHand: $n) { userErrors { code } } }`,
      { v: variantId, w: warehouseId, n: ON_HAND },
      product.seller,
    );
    expect(stock.data!.setStock.userErrors).toEqual([]);
  }
  const sellerId = (product.seller as Extract<Identity, { kind: 'user' }>).sellerId!;
  return { ...product, sellerId, prices };
}
type Store = Awaited<ReturnType<typeof openStore>>;

/** A CONFIRMED order placed as checkout places it: stock reserved and committed, payment authorized. */
async function placeOrder(customerId: string, items: { store: Store; variant?: number; quantity?: number }[]) {
  const orderId = randomUUID();
  const bought = items.map(({ store, variant = 0, quantity = 1 }) => ({
    store,
    variantId: store.variantIds[variant]!,
    unitPrice: store.prices[variant]!,
    quantity,
  }));
  const reserved = await callInternal('inventory', 'reserveStock', {
    orderId,
    lines: bought.map(({ variantId, quantity }) => ({ variantId, quantity })),
    region: 'NY',
  });
  expect(reserved.status).toBe('RESERVED');
  expect(await callInternal('inventory', 'commitReservation', { orderId })).toEqual({ status: 'COMMITTED' });
  const subtotal = bought.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
  const total = subtotal + SHIPPING_COST;
  const payment = await callInternal('payments', 'authorizePayment', { orderId, customerId, amount: total, currencyCode: 'USD', paymentToken: 'tok_visa' });
  expect(payment.status).toBe('AUTHORIZED');

  await db.insert(ordersTable).values({
    id: orderId,
    customerId,
    status: 'CONFIRMED',
    shippingSpeed: 'STANDARD',
    shipFullName: 'Ada Lovelace',
    shipLine1: '1 Analytical Way',
    shipCity: 'New York',
    shipRegion: 'NY',
    shipPostalCode: '10001',
    shipCountry: 'US',
    subtotal,
    shippingCost: SHIPPING_COST,
    total,
    currencyCode: 'USD',
  });
  const lines = await db
    .insert(orderLines)
    .values(
      bought.map((l, position) => ({
        orderId,
        variantId: l.variantId,
        productId: l.store.productId,
        sellerId: l.store.sellerId,
        title: `Lamp ${position}`,
        sku: `SKU-${position}`,
        unitPrice: l.unitPrice,
        quantity: l.quantity,
        status: 'CONFIRMED' as const,
        position,
      })),
    )
    .returning();
  await db.insert(orderEvents).values([
    { orderId, status: 'PENDING_PAYMENT' },
    { orderId, status: 'CONFIRMED' },
  ]);
  return { id: orderId, customerId, customer: asUser(customerId), total, lineIds: lines.sort((a, b) => a.position - b.position).map((l) => l.id) };
}

const SHIP = `mutation ($input: ShipOrderLinesInput!) { shipOrderLines(input: $input) {
  shipment { id carrier trackingNumber status lines { id status } } order { id status lines { id } } userErrors { field code } } }`;
const DELIVER = `mutation ($id: ID!) { markShipmentDelivered(shipmentId: $id) {
  shipment { id status deliveredAt } order { id status } userErrors { field code } } }`;
const CANCEL = `mutation ($id: ID!) { cancelOrder(orderId: $id) { order { id status lines { status } } userErrors { field code } } }`;
const REQUEST_RETURN = `mutation ($orderId: ID!, $lineIds: [ID!]!, $reason: String!) { requestReturn(orderId: $orderId, lineIds: $lineIds, reason: $reason) {
  returnRequest { id status reason lines { id status } } order { id status } userErrors { field code } } }`;
const APPROVE = `mutation ($id: ID!) { approveReturn(returnRequestId: $id) { returnRequest { id status } order { id status } userErrors { field code } } }`;
const REJECT = `mutation ($id: ID!, $note: String) { rejectReturn(returnRequestId: $id, note: $note) {
  returnRequest { id status lines { status } } order { id status } userErrors { field code } } }`;

const ship = async (identity: Identity, orderId: string, lineIds: string[], trackingNumber = `1Z${randomUUID().slice(0, 8)}`) =>
  (await gql('orders', SHIP, { input: { orderId, lineIds, carrier: 'UPS', trackingNumber } }, identity)).data!.shipOrderLines;
const deliver = async (identity: Identity, shipmentId: string) => (await gql('orders', DELIVER, { id: shipmentId }, identity)).data!.markShipmentDelivered;
const cancel = async (identity: Identity, orderId: string) => (await gql('orders', CANCEL, { id: orderId }, identity)).data!.cancelOrder;
const requestReturn = async (identity: Identity, orderId: string, lineIds: string[], reason = 'It does not fit.') =>
  (await gql('orders', REQUEST_RETURN, { orderId, lineIds, reason }, identity)).data!.requestReturn;
const approve = async (returnRequestId: string) => (await gql('orders', APPROVE, { id: returnRequestId }, admin)).data!.approveReturn;

async function orderState(orderId: string) {
  const res = await gql(
    'orders',
    `query ($id: ID!) { order(id: $id) { status lines { id status } shipments { id status } events { status note } returnRequests { id status } } }`,
    { id: orderId },
    admin,
  );
  return res.data!.order;
}
const eventsOf = async (orderId: string) => (await orderState(orderId)).events.map((e: { status: string }) => e.status);

async function paymentOf(orderId: string) {
  const res = await gql(
    'payments',
    `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { payment {
      status capturedAmount { amount } refundedAmount { amount } refunds { amount { amount } } } } } }`,
    { reps: [{ __typename: 'Order', id: orderId }] },
    admin,
  );
  return res.data!._entities[0].payment;
}

async function stockOf(variantId: string) {
  const res = await gql(
    'inventory',
    `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on ProductVariant { stock { available onHand reserved } } } }`,
    { reps: [{ __typename: 'ProductVariant', id: variantId }] },
    admin,
  );
  return res.data!._entities[0].stock;
}

/** Ships every line of the order (each store its own) and delivers every parcel. */
async function shipAndDeliver(order: Awaited<ReturnType<typeof placeOrder>>, parcels: { store: Store; lineIds: string[] }[]) {
  for (const { store, lineIds } of parcels) {
    const shipped = await ship(store.seller, order.id, lineIds);
    expect(shipped.userErrors).toEqual([]);
    expect((await deliver(store.seller, shipped.shipment.id)).userErrors).toEqual([]);
  }
  expect((await orderState(order.id)).status).toBe('DELIVERED');
}

describe('shipping and delivery', () => {
  it('lets each store ship its own lines: partly shipped, then shipped, the payment captured at the first parcel', async () => {
    const [a, b] = await Promise.all([openStore([2500]), openStore([1200])]);
    const order = await placeOrder(randomUUID(), [
      { store: a, quantity: 2 },
      { store: b, quantity: 3 },
    ]);
    const [lineA, lineB] = order.lineIds as [string, string];
    expect(await stockOf(a.variantIds[0]!)).toEqual({ available: ON_HAND - 2, onHand: ON_HAND, reserved: 2 });

    const first = await ship(a.seller, order.id, [lineA], '1ZFIRST');
    expect(first.userErrors).toEqual([]);
    expect(first.shipment).toMatchObject({ carrier: 'UPS', trackingNumber: '1ZFIRST', status: 'SHIPPED', lines: [{ id: lineA, status: 'SHIPPED' }] });
    // The store sees the order as it always does: its own lines only.
    expect(first.order).toEqual({ id: order.id, status: 'PARTIALLY_SHIPPED', lines: [{ id: lineA }] });
    expect(await paymentOf(order.id)).toMatchObject({ status: 'CAPTURED', capturedAmount: { amount: order.total } });
    expect(await stockOf(a.variantIds[0]!)).toEqual({ available: ON_HAND - 2, onHand: ON_HAND - 2, reserved: 0 });
    expect(await stockOf(b.variantIds[0]!)).toEqual({ available: ON_HAND - 3, onHand: ON_HAND, reserved: 3 });

    // An API key of store b with ORDERS_WRITE ships the rest.
    const second = await ship(asApiKey(randomUUID(), b.sellerId, ['ORDERS_WRITE']), order.id, [lineB]);
    expect(second.userErrors).toEqual([]);
    expect(second.order.status).toBe('SHIPPED');
    expect(await stockOf(b.variantIds[0]!)).toMatchObject({ onHand: ON_HAND - 3, reserved: 0 });
    expect((await paymentOf(order.id)).capturedAmount.amount).toBe(order.total);

    expect(await eventsOf(order.id)).toEqual(['PENDING_PAYMENT', 'CONFIRMED', 'PARTIALLY_SHIPPED', 'SHIPPED']);
    // Shipped lines cannot ship again.
    expect((await ship(b.seller, order.id, [lineB])).userErrors).toEqual([{ field: ['input', 'lineIds'], code: 'INVALID_STATE' }]);
  });

  it("refuses another store's lines, unknown lines and malformed parcels, changing nothing", async () => {
    const [a, b] = await Promise.all([openStore([900]), openStore([900])]);
    const order = await placeOrder(randomUUID(), [{ store: a }, { store: b }]);
    const [lineA, lineB] = order.lineIds as [string, string];

    const theirs = await gql('orders', SHIP, { input: { orderId: order.id, lineIds: [lineA, lineB], carrier: 'UPS', trackingNumber: '1Z' } }, a.seller);
    expect(theirs.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await ship(a.seller, order.id, [randomUUID()])).userErrors).toEqual([{ field: ['input', 'lineIds'], code: 'NOT_FOUND' }]);
    expect((await ship(a.seller, randomUUID(), [lineA])).userErrors).toEqual([{ field: ['input', 'orderId'], code: 'NOT_FOUND' }]);
    expect((await ship(a.seller, 'not-an-id', [lineA])).userErrors).toEqual([{ field: ['input', 'orderId'], code: 'NOT_FOUND' }]);
    const malformed = await gql('orders', SHIP, { input: { orderId: order.id, lineIds: [], carrier: ' ', trackingNumber: 'x'.repeat(101) } }, a.seller);
    expect(malformed.data!.shipOrderLines.userErrors).toEqual([
      { field: ['input', 'carrier'], code: 'INVALID_INPUT' },
      { field: ['input', 'trackingNumber'], code: 'TOO_LONG' },
      { field: ['input', 'lineIds'], code: 'INVALID_INPUT' },
    ]);
    const readOnlyKey = await gql('orders', SHIP, { input: { orderId: order.id, lineIds: [lineA], carrier: 'UPS', trackingNumber: '1Z' } }, asApiKey(randomUUID(), a.sellerId, ['ORDERS_READ']));
    expect(readOnlyKey.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    expect(await orderState(order.id)).toMatchObject({ status: 'CONFIRMED', shipments: [] });
    expect((await paymentOf(order.id)).status).toBe('AUTHORIZED');
    expect(await stockOf(a.variantIds[0]!)).toMatchObject({ onHand: ON_HAND, reserved: 1 });
  });

  it('keeps the order right when two stores ship at the same moment', async () => {
    const [a, b] = await Promise.all([openStore([700]), openStore([800])]);
    const order = await placeOrder(randomUUID(), [{ store: a }, { store: b }]);
    const results = await Promise.all([ship(a.seller, order.id, [order.lineIds[0]!]), ship(b.seller, order.id, [order.lineIds[1]!])]);
    expect(results.map((r) => r.userErrors)).toEqual([[], []]);
    expect(results.map((r) => r.order.status).sort()).toEqual(['PARTIALLY_SHIPPED', 'SHIPPED']);
    expect(await eventsOf(order.id)).toEqual(['PENDING_PAYMENT', 'CONFIRMED', 'PARTIALLY_SHIPPED', 'SHIPPED']);
    expect((await paymentOf(order.id)).capturedAmount.amount).toBe(order.total);
  });

  it('delivers parcels: the order is DELIVERED once every parcel is, and every change is published', async () => {
    const [a, b] = await Promise.all([openStore([1000]), openStore([2000])]);
    const order = await placeOrder(randomUUID(), [{ store: a }, { store: b }]);
    const redis = createRedis();
    const since = `${Date.now() - 1}`;
    try {
      const parcelA = (await ship(a.seller, order.id, [order.lineIds[0]!])).shipment.id;
      const parcelB = (await ship(b.seller, order.id, [order.lineIds[1]!])).shipment.id;

      const wrongStore = await gql('orders', DELIVER, { id: parcelA }, b.seller);
      expect(wrongStore.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await deliver(a.seller, randomUUID())).userErrors).toEqual([{ field: ['shipmentId'], code: 'NOT_FOUND' }]);

      const first = await deliver(a.seller, parcelA);
      expect(first.userErrors).toEqual([]);
      expect(first.shipment).toMatchObject({ id: parcelA, status: 'DELIVERED', deliveredAt: expect.any(String) });
      expect(first.order.status).toBe('SHIPPED');
      expect((await deliver(a.seller, parcelA)).userErrors).toEqual([{ field: ['shipmentId'], code: 'INVALID_STATE' }]);

      // Operators may mark any parcel delivered.
      const second = await deliver(admin, parcelB);
      expect(second.order.status).toBe('DELIVERED');
      const state = await orderState(order.id);
      expect(state.lines.map((l: { status: string }) => l.status)).toEqual(['DELIVERED', 'DELIVERED']);
      expect(state.events.map((e: { status: string }) => e.status)).toEqual(['PENDING_PAYMENT', 'CONFIRMED', 'PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED']);

      // Four changes, one of them (the first delivery) without a status change: four order.updated events.
      const published = async () =>
        ((await redis.xrange(streamKey('order.updated'), since, '+')) as [string, string[]][]).filter(([, fields]) => fields.includes(order.id)).length;
      for (let waited = 0; (await published()) < 4 && waited < 3000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      expect(await published()).toBe(4);
    } finally {
      redis.disconnect();
    }
  });
});

describe('cancelling', () => {
  it('voids the payment and releases the stock of an order nothing of which has shipped', async () => {
    const store = await openStore([1500]);
    const order = await placeOrder(randomUUID(), [{ store, quantity: 4 }]);
    expect((await stockOf(store.variantIds[0]!)).available).toBe(ON_HAND - 4);

    // Someone else's order is refused; an unknown one is not found.
    expect((await gql('orders', CANCEL, { id: order.id }, asUser(randomUUID()))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await cancel(order.customer, randomUUID())).userErrors).toEqual([{ field: ['orderId'], code: 'NOT_FOUND' }]);
    expect((await cancel(order.customer, 'not-an-id')).userErrors).toEqual([{ field: ['orderId'], code: 'NOT_FOUND' }]);
    expect((await orderState(order.id)).status).toBe('CONFIRMED');

    const cancelled = await cancel(order.customer, order.id);
    expect(cancelled).toEqual({ order: { id: order.id, status: 'CANCELLED', lines: [{ status: 'CANCELLED' }] }, userErrors: [] });
    expect((await paymentOf(order.id)).status).toBe('VOIDED');
    expect(await stockOf(store.variantIds[0]!)).toEqual({ available: ON_HAND, onHand: ON_HAND, reserved: 0 });
    expect((await orderState(order.id)).events).toEqual([
      { status: 'PENDING_PAYMENT', note: null },
      { status: 'CONFIRMED', note: null },
      { status: 'CANCELLED', note: 'Cancelled by the customer.' },
    ]);
    expect((await cancel(order.customer, order.id)).userErrors).toEqual([{ field: ['orderId'], code: 'INVALID_STATE' }]);
  });

  it('refuses once a line has shipped, and lets operators cancel any order', async () => {
    const [a, b] = await Promise.all([openStore([600]), openStore([650])]);
    const shipped = await placeOrder(randomUUID(), [{ store: a }, { store: b }]);
    await ship(a.seller, shipped.id, [shipped.lineIds[0]!]);
    expect((await cancel(shipped.customer, shipped.id)).userErrors).toEqual([{ field: ['orderId'], code: 'INVALID_STATE' }]);
    expect(await orderState(shipped.id)).toMatchObject({ status: 'PARTIALLY_SHIPPED', lines: [{ status: 'SHIPPED' }, { status: 'CONFIRMED' }] });
    expect((await paymentOf(shipped.id)).status).toBe('CAPTURED');
    expect((await stockOf(b.variantIds[0]!)).reserved).toBe(1);

    // A store's shipping that took the payment and then crashed before recording the parcel: the
    // parcel is on its way, so the customer can no longer cancel, and nothing is released.
    const interrupted = await placeOrder(randomUUID(), [{ store: a }]);
    await callInternal('payments', 'capturePayment', { orderId: interrupted.id, amount: interrupted.total });
    expect((await cancel(interrupted.customer, interrupted.id)).userErrors).toEqual([{ field: ['orderId'], code: 'INVALID_STATE' }]);
    expect((await orderState(interrupted.id)).status).toBe('CONFIRMED');
    expect((await stockOf(a.variantIds[0]!)).reserved).toBe(1);
    expect((await ship(a.seller, interrupted.id, interrupted.lineIds)).order.status).toBe('SHIPPED');

    const other = await placeOrder(randomUUID(), [{ store: b }]);
    expect((await cancel(admin, other.id)).order.status).toBe('CANCELLED');
    expect((await orderState(other.id)).events.at(-1)).toEqual({ status: 'CANCELLED', note: 'Cancelled by an operator.' });
  });
});

describe('returns', () => {
  it('refunds and restocks approved lines; the order is RETURNED once every line is', async () => {
    const store = await openStore([3000, 1000]);
    const order = await placeOrder(randomUUID(), [
      { store, variant: 0, quantity: 2 },
      { store, variant: 1, quantity: 1 },
    ]);
    const [mug, plate] = order.lineIds as [string, string];
    await shipAndDeliver(order, [{ store, lineIds: [mug, plate] }]);
    expect((await stockOf(store.variantIds[0]!)).onHand).toBe(ON_HAND - 2);

    const requested = await requestReturn(order.customer, order.id, [mug], 'Chipped rim');
    expect(requested.userErrors).toEqual([]);
    expect(requested.returnRequest).toMatchObject({ status: 'REQUESTED', reason: 'Chipped rim', lines: [{ id: mug, status: 'RETURN_REQUESTED' }] });
    expect(requested.order.status).toBe('RETURN_REQUESTED');

    const approved = await approve(requested.returnRequest.id);
    expect(approved).toEqual({ returnRequest: { id: requested.returnRequest.id, status: 'APPROVED' }, order: { id: order.id, status: 'DELIVERED' }, userErrors: [] });
    // The lines' value as bought, not the shipping.
    expect(await paymentOf(order.id)).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedAmount: { amount: 6000 }, refunds: [{ amount: { amount: 6000 } }] });
    expect(await stockOf(store.variantIds[0]!)).toMatchObject({ onHand: ON_HAND, reserved: 0 });

    const rest = await requestReturn(order.customer, order.id, [plate]);
    expect((await approve(rest.returnRequest.id)).order.status).toBe('RETURNED');
    expect((await paymentOf(order.id)).refundedAmount.amount).toBe(7000);
    expect((await stockOf(store.variantIds[1]!)).onHand).toBe(ON_HAND);
    const state = await orderState(order.id);
    expect(state.lines.map((l: { status: string }) => l.status)).toEqual(['RETURNED', 'RETURNED']);
    expect(state.events.map((e: { status: string }) => e.status)).toEqual([
      'PENDING_PAYMENT',
      'CONFIRMED',
      'SHIPPED',
      'DELIVERED',
      'RETURN_REQUESTED',
      'DELIVERED',
      'RETURN_REQUESTED',
      'RETURNED',
    ]);
    expect((await approve(rest.returnRequest.id)).userErrors).toEqual([{ field: ['returnRequestId'], code: 'INVALID_STATE' }]);
  });

  it('accepts only the customer’s own delivered lines, within 30 days, with a reason', async () => {
    const store = await openStore([500, 700]);
    const order = await placeOrder(randomUUID(), [{ store, variant: 0 }, { store, variant: 1 }]);
    const [first, second] = order.lineIds as [string, string];
    expect((await requestReturn(order.customer, order.id, [first])).userErrors).toEqual([{ field: ['lineIds'], code: 'INVALID_STATE' }]);
    await shipAndDeliver(order, [{ store, lineIds: [first, second] }]);

    const stranger = await gql('orders', REQUEST_RETURN, { orderId: order.id, lineIds: [first], reason: 'Mine now.' }, asUser(randomUUID()));
    expect(stranger.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const otherOrder = await placeOrder(order.customerId, [{ store }]);
    expect((await requestReturn(order.customer, order.id, [otherOrder.lineIds[0]!])).userErrors).toEqual([{ field: ['lineIds'], code: 'NOT_FOUND' }]);
    expect((await requestReturn(order.customer, order.id, [], 'x'.repeat(1001))).userErrors).toEqual([
      { field: ['reason'], code: 'TOO_LONG' },
      { field: ['lineIds'], code: 'INVALID_INPUT' },
    ]);
    expect((await requestReturn(order.customer, order.id, [first], '  ')).userErrors).toEqual([{ field: ['reason'], code: 'INVALID_INPUT' }]);

    const [parcel] = await db.select().from(shipments).where(eq(shipments.orderId, order.id));
    await db.update(shipments).set({ deliveredAt: new Date(Date.now() - 31 * 24 * 3600_000) }).where(eq(shipments.id, parcel!.id));
    expect((await requestReturn(order.customer, order.id, [first])).userErrors).toEqual([{ field: ['lineIds'], code: 'INVALID_STATE' }]);
    await db.update(shipments).set({ deliveredAt: new Date(Date.now() - 29 * 24 * 3600_000) }).where(eq(shipments.id, parcel!.id));
    expect((await requestReturn(order.customer, order.id, [first])).userErrors).toEqual([]);
    // A line being returned cannot be asked for twice.
    expect((await requestReturn(order.customer, order.id, [first])).userErrors).toEqual([{ field: ['lineIds'], code: 'INVALID_STATE' }]);
    expect(await eventsOf(order.id)).toEqual(['PENDING_PAYMENT', 'CONFIRMED', 'SHIPPED', 'DELIVERED', 'RETURN_REQUESTED']);
  });

  it('rejects a return: lines and order back to DELIVERED with the note, nothing refunded', async () => {
    const store = await openStore([4200]);
    const order = await placeOrder(randomUUID(), [{ store }]);
    await shipAndDeliver(order, [{ store, lineIds: order.lineIds }]);
    const requested = await requestReturn(order.customer, order.id, order.lineIds);

    const tooLong = await gql('orders', REJECT, { id: requested.returnRequest.id, note: 'n'.repeat(1001) }, admin);
    expect(tooLong.data!.rejectReturn.userErrors).toEqual([{ field: ['note'], code: 'TOO_LONG' }]);
    const rejected = (await gql('orders', REJECT, { id: requested.returnRequest.id, note: 'Worn after delivery.' }, admin)).data!.rejectReturn;
    expect(rejected).toEqual({
      returnRequest: { id: requested.returnRequest.id, status: 'REJECTED', lines: [{ status: 'DELIVERED' }] },
      order: { id: order.id, status: 'DELIVERED' },
      userErrors: [],
    });
    expect((await orderState(order.id)).events.slice(-2)).toEqual([
      { status: 'RETURN_REQUESTED', note: null },
      { status: 'DELIVERED', note: 'Worn after delivery.' },
    ]);
    expect(await paymentOf(order.id)).toMatchObject({ status: 'CAPTURED', refundedAmount: { amount: 0 } });
    expect((await approve(requested.returnRequest.id)).userErrors).toEqual([{ field: ['returnRequestId'], code: 'INVALID_STATE' }]);
    expect((await approve(randomUUID())).userErrors).toEqual([{ field: ['returnRequestId'], code: 'NOT_FOUND' }]);
    const customerTries = await gql('orders', APPROVE, { id: requested.returnRequest.id }, order.customer);
    expect(customerTries.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('approves a return once however many operators approve it at the same moment', async () => {
    const store = await openStore([2500]);
    const order = await placeOrder(randomUUID(), [{ store, quantity: 3 }]);
    await shipAndDeliver(order, [{ store, lineIds: order.lineIds }]);
    const requested = await requestReturn(order.customer, order.id, order.lineIds);

    const outcomes = await Promise.all(Array.from({ length: 5 }, () => approve(requested.returnRequest.id)));
    expect(outcomes.filter((o) => o.userErrors.length === 0)).toHaveLength(1);
    expect(outcomes.filter((o) => o.userErrors[0]?.code === 'INVALID_STATE')).toHaveLength(4);
    expect(await paymentOf(order.id)).toMatchObject({ refundedAmount: { amount: 7500 }, refunds: [{ amount: { amount: 7500 } }] });
    expect((await stockOf(store.variantIds[0]!)).onHand).toBe(ON_HAND);
    expect(await eventsOf(order.id)).toEqual(['PENDING_PAYMENT', 'CONFIRMED', 'SHIPPED', 'DELIVERED', 'RETURN_REQUESTED', 'RETURNED']);
  });
});

describe('identity', () => {
  it('treats made-up identity headers as anonymous', async () => {
    const store = await openStore([100]);
    const order = await placeOrder(randomUUID(), [{ store }]);
    const forged = await subgraphRequest(
      servers.orders.url,
      SHIP,
      { input: { orderId: order.id, lineIds: order.lineIds, carrier: 'UPS', trackingNumber: '1Z' } },
      undefined,
      { 'x-user-id': randomUUID(), 'x-seller-id': store.sellerId, 'x-roles': 'SELLER,ADMIN' },
    );
    expect(forged.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const forgedCancel = await subgraphRequest(servers.orders.url, CANCEL, { id: order.id }, undefined, { 'x-user-id': order.customerId });
    expect(forgedCancel.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // A customer is not a store, and a store is not an operator.
    expect((await gql('orders', SHIP, { input: { orderId: order.id, lineIds: order.lineIds, carrier: 'UPS', trackingNumber: '1Z' } }, order.customer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gql('orders', APPROVE, { id: randomUUID() }, asSeller(randomUUID(), store.sellerId))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await orderState(order.id)).toMatchObject({ status: 'CONFIRMED', shipments: [] });
  });
});
