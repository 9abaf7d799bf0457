import {
  callInternal,
  IDENTITY_HEADER,
  signIdentityAssertion,
  sqlStatements,
  startSubgraph,
  tailEvents,
  type Consumer,
  type DomainEvent,
  type Identity,
  type RunningServer,
} from '@marketplace/runtime';
import { asAdmin, asSeller, asUser, subgraphRequest } from '@marketplace/runtime/testing';
import { asc, eq, inArray } from 'drizzle-orm';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { products } from '../../products/src/index';
import { db } from '../src/db/client';
import { reservationLines, reservations, stockLevels } from '../src/db/schema';
import { inventory } from '../src/index';
import { sweepExpiredReservations } from '../src/reservations';

let catalog: RunningServer;
let server: RunningServer;
const admin = asAdmin(randomUUID());
let categoryId: string;

beforeAll(async () => {
  catalog = await startSubgraph(products, { port: 0 });
  process.env.PRODUCTS_URL = catalog.url;
  server = await startSubgraph(inventory, { port: 0 });
  process.env.INVENTORY_URL = server.url;

  const res = await subgraphRequest(
    catalog.url,
    `mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { category { id } } }`,
    { input: { name: 'Kitchen', slug: `kitchen-${randomUUID().slice(0, 8)}` } },
    admin,
  );
  categoryId = res.data!.createCategory.category.id;
});
afterAll(async () => {
  await server?.stop();
  await catalog?.stop();
});

const store = (() => {
  const sellerId = randomUUID();
  return { sellerId, identity: asSeller(randomUUID(), sellerId) };
})();

/** A product of the test store with `count` variants; returns the product and variant ids. */
async function newVariants(count = 1): Promise<{ productId: string; variantIds: string[] }> {
  const tag = randomUUID().slice(0, 8);
  const res = await subgraphRequest(
    catalog.url,
    `mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id variants { id } } userErrors { code } } }`,
    {
      input: {
        title: `Kettle ${tag}`,
        description: 'Boils water.',
        brand: 'Steam',
        categoryId,
        variants: Array.from({ length: count }, (_, i) => ({ sku: `K-${tag}-${i}`, title: `Model ${i}`, price: 3000 })),
      },
    },
    store.identity,
  );
  expect(res.data?.createProduct.userErrors).toEqual([]);
  const product = res.data!.createProduct.product;
  return { productId: product.id, variantIds: product.variants.map((v: { id: string }) => v.id) };
}
const newVariant = async () => (await newVariants(1)).variantIds[0]!;

async function newWarehouse(region = 'NY'): Promise<string> {
  const res = await subgraphRequest(
    server.url,
    `mutation ($input: CreateWarehouseInput!) { createWarehouse(input: $input) { warehouse { id } userErrors { code } } }`,
    { input: { code: `WH-${randomUUID().slice(0, 8)}`, name: 'Depot', region } },
    admin,
  );
  return res.data!.createWarehouse.warehouse.id;
}

async function setStock(variantId: string, warehouseId: string, onHand: number): Promise<void> {
  const res = await subgraphRequest(
    server.url,
    `mutation ($v: ID!, $w: ID!, $n: Int!) { setStock(variantId: $v, warehouseId: $w, onHand: $n) { userErrors { code } } }`,
    { v: variantId, w: warehouseId, n: onHand },
    store.identity,
  );
  expect(res.errors).toBeUndefined();
  expect(res.data?.setStock.userErrors).toEqual([]);
}

/** A variant stocked with these units per warehouse; returns it and the warehouse ids, in order. */
async function stockedVariant(...units: number[]): Promise<{ variantId: string; warehouseIds: string[] }> {
  const variantId = await newVariant();
  const warehouseIds: string[] = [];
  for (const n of units) {
    const warehouseId = await newWarehouse();
    await setStock(variantId, warehouseId, n);
    warehouseIds.push(warehouseId);
  }
  return { variantId, warehouseIds };
}

/** The variant's stock per warehouse, in the given warehouses' order. */
async function levels(variantId: string, warehouseIds: string[]) {
  const rows = await db.select().from(stockLevels).where(eq(stockLevels.variantId, variantId));
  return warehouseIds.map((id) => {
    const row = rows.find((r) => r.warehouseId === id)!;
    return { onHand: row.onHand, reserved: row.reserved };
  });
}
async function available(variantId: string): Promise<number> {
  const [row] = await callInternal('inventory', 'availability', { variantIds: [variantId] });
  return row!.available;
}

const reserve = (orderId: string, lines: { variantId: string; quantity: number }[], opts: { region?: string | null; ttlSeconds?: number } = {}) =>
  callInternal('inventory', 'reserveStock', { orderId, lines, region: opts.region ?? null, ttlSeconds: opts.ttlSeconds });

describe('reserveStock', () => {
  it('never reserves more than is on hand, however many checkouts race for the last units', async () => {
    for (let round = 0; round < 3; round++) {
      const { variantId, warehouseIds } = await stockedVariant(12, 8);
      const outcomes = await Promise.all(Array.from({ length: 60 }, () => reserve(randomUUID(), [{ variantId, quantity: 1 }])));

      expect(outcomes.filter((o) => o.status === 'RESERVED')).toHaveLength(20);
      const refused = outcomes.filter((o) => o.status === 'INSUFFICIENT_STOCK');
      expect(refused).toHaveLength(40);
      for (const o of refused) expect(o).toEqual({ status: 'INSUFFICIENT_STOCK', variantIds: [variantId] });
      expect(await levels(variantId, warehouseIds)).toEqual([
        { onHand: 12, reserved: 12 },
        { onHand: 8, reserved: 8 },
      ]);
      expect(await available(variantId)).toBe(0);
    }
  });

  it('holds every line or none, naming the variants that are short', async () => {
    const plenty = await stockedVariant(5);
    const scarce = await stockedVariant(1);
    const orderId = randomUUID();
    const unknown = randomUUID();

    const outcome = await reserve(orderId, [
      { variantId: plenty.variantId, quantity: 2 },
      { variantId: scarce.variantId, quantity: 3 },
      { variantId: unknown, quantity: 1 },
      { variantId: 'not-an-id', quantity: 1 },
    ]);
    expect(outcome).toEqual({ status: 'INSUFFICIENT_STOCK', variantIds: [scarce.variantId, unknown, 'not-an-id'] });
    expect(await levels(plenty.variantId, plenty.warehouseIds)).toEqual([{ onHand: 5, reserved: 0 }]);
    expect(await levels(scarce.variantId, scarce.warehouseIds)).toEqual([{ onHand: 1, reserved: 0 }]);
    expect(await db.select().from(reservations).where(eq(reservations.orderId, orderId))).toEqual([]);

    // Nothing was written, so the same order may try again once it fits.
    const retried = await reserve(orderId, [
      { variantId: plenty.variantId, quantity: 2 },
      { variantId: scarce.variantId, quantity: 1 },
    ]);
    expect(retried.status).toBe('RESERVED');
    expect(await available(plenty.variantId)).toBe(3);
    expect(await available(scarce.variantId)).toBe(0);
  });

  it("takes units from the shipping region's warehouses first, then from those with the most available", async () => {
    const variantId = await newVariant();
    const [east, westSmall, westLarge] = [await newWarehouse('US-East'), await newWarehouse('US-West'), await newWarehouse('US-West')];
    await setStock(variantId, east!, 3);
    await setStock(variantId, westSmall!, 4);
    await setStock(variantId, westLarge!, 10);
    const linesOf = async (orderId: string) =>
      Object.fromEntries(
        (await db.select().from(reservationLines).where(eq(reservationLines.orderId, orderId))).map((l) => [l.warehouseId, l.quantity]),
      );

    const regional = randomUUID();
    expect((await reserve(regional, [{ variantId, quantity: 5 }], { region: ' us-east ' })).status).toBe('RESERVED');
    expect(await linesOf(regional)).toEqual({ [east!]: 3, [westLarge!]: 2 });

    const anywhere = randomUUID();
    expect((await reserve(anywhere, [{ variantId, quantity: 9 }])).status).toBe('RESERVED');
    expect(await linesOf(anywhere)).toEqual({ [westLarge!]: 8, [westSmall!]: 1 });
    expect(await levels(variantId, [east!, westSmall!, westLarge!])).toEqual([
      { onHand: 3, reserved: 3 },
      { onHand: 4, reserved: 1 },
      { onHand: 10, reserved: 10 },
    ]);
  });

  it('reserves once per order, however often and however concurrently it is asked', async () => {
    const { variantId, warehouseIds } = await stockedVariant(10);
    const orderId = randomUUID();

    const first = await reserve(orderId, [{ variantId, quantity: 3 }]);
    expect(first).toEqual({ status: 'RESERVED', expiresAt: expect.any(String) });
    expect(await reserve(orderId, [{ variantId, quantity: 3 }])).toEqual(first);
    expect(await levels(variantId, warehouseIds)).toEqual([{ onHand: 10, reserved: 3 }]);

    const racing = randomUUID();
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => reserve(racing, [{ variantId, quantity: 4 }])));
    expect(new Set(outcomes.map((o) => JSON.stringify(o)))).toEqual(new Set([JSON.stringify(outcomes[0])]));
    expect(outcomes[0]!.status).toBe('RESERVED');
    expect(await levels(variantId, warehouseIds)).toEqual([{ onHand: 10, reserved: 7 }]);
  });

  it('refuses malformed requests without holding anything', async () => {
    const { variantId, warehouseIds } = await stockedVariant(10);
    for (const lines of [[], [{ variantId, quantity: 0 }], [{ variantId, quantity: -2 }], [{ variantId, quantity: 1.5 }]]) {
      await expect(reserve(randomUUID(), lines)).rejects.toMatchObject({ status: 500 });
    }
    await expect(reserve('not-an-order', [{ variantId, quantity: 1 }])).rejects.toMatchObject({ status: 500 });
    expect(await levels(variantId, warehouseIds)).toEqual([{ onHand: 10, reserved: 0 }]);
  });

  it('costs the same SQL for 50 lines as for 5', async () => {
    const { variantIds } = await newVariants(50);
    const warehouseId = await newWarehouse();
    await Promise.all(variantIds.map((id) => setStock(id, warehouseId, 5)));
    const statementsFor = async (ids: string[]) => {
      const before = sqlStatements.count;
      const outcome = await reserve(
        randomUUID(),
        ids.map((variantId) => ({ variantId, quantity: 1 })),
      );
      expect(outcome.status).toBe('RESERVED');
      return sqlStatements.count - before;
    };
    await statementsFor(variantIds.slice(0, 1));
    expect(await statementsFor(variantIds.slice(0, 50))).toBe(await statementsFor(variantIds.slice(0, 5)));
  });
});

describe('commitReservation and expiry', () => {
  it('keeps a committed reservation for good; one left uncommitted expires and its units return', async () => {
    const { variantId, warehouseIds } = await stockedVariant(6);
    const committed = randomUUID();
    const abandoned = randomUUID();
    expect((await reserve(committed, [{ variantId, quantity: 2 }], { ttlSeconds: 1 })).status).toBe('RESERVED');
    expect(await callInternal('inventory', 'commitReservation', { orderId: committed })).toEqual({ status: 'COMMITTED' });
    expect((await reserve(abandoned, [{ variantId, quantity: 3 }], { ttlSeconds: 1 })).status).toBe('RESERVED');
    expect(await available(variantId)).toBe(1);

    await new Promise((resolve) => setTimeout(resolve, 1100));
    await sweepExpiredReservations();

    expect(await callInternal('inventory', 'commitReservation', { orderId: abandoned })).toEqual({ status: 'EXPIRED' });
    expect(await callInternal('inventory', 'commitReservation', { orderId: committed })).toEqual({ status: 'COMMITTED' });
    expect(await levels(variantId, warehouseIds)).toEqual([{ onHand: 6, reserved: 2 }]);
    expect(await available(variantId)).toBe(4);
    const statuses = await db
      .select({ orderId: reservations.orderId, status: reservations.status })
      .from(reservations)
      .where(inArray(reservations.orderId, [committed, abandoned]));
    expect(Object.fromEntries(statuses.map((s) => [s.orderId, s.status]))).toEqual({ [committed]: 'COMMITTED', [abandoned]: 'EXPIRED' });
    // Asking again for an expired order does not hold its units again.
    expect(await reserve(abandoned, [{ variantId, quantity: 3 }])).toEqual({ status: 'INSUFFICIENT_STOCK', variantIds: [variantId] });
    expect(await available(variantId)).toBe(4);
  });

  it('answers EXPIRED for a lapsed reservation the sweeper has not reached yet, and gives its units back', async () => {
    const { variantId, warehouseIds } = await stockedVariant(4);
    const orderId = randomUUID();
    await reserve(orderId, [{ variantId, quantity: 4 }], { ttlSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1100));

    expect(await callInternal('inventory', 'commitReservation', { orderId })).toEqual({ status: 'EXPIRED' });
    expect(await levels(variantId, warehouseIds)).toEqual([{ onHand: 4, reserved: 0 }]);
    expect(await callInternal('inventory', 'commitReservation', { orderId: randomUUID() })).toEqual({ status: 'EXPIRED' });
  });

  it('commits or expires, never both, when commit and sweep race', async () => {
    const { variantId, warehouseIds } = await stockedVariant(20);
    const orderIds = Array.from({ length: 10 }, () => randomUUID());
    for (const orderId of orderIds) await reserve(orderId, [{ variantId, quantity: 2 }], { ttlSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1100));

    const [commits] = await Promise.all([
      Promise.all(orderIds.map((orderId) => callInternal('inventory', 'commitReservation', { orderId }))),
      sweepExpiredReservations(3),
      sweepExpiredReservations(3),
    ]);
    // Every one had lapsed: whoever got it first expired it, and the units are back exactly once.
    expect(commits.every((c) => c.status === 'EXPIRED')).toBe(true);
    expect(await levels(variantId, warehouseIds)).toEqual([{ onHand: 20, reserved: 0 }]);
  });
});

describe('releaseReservation', () => {
  it('gives back some lines or all of them, once', async () => {
    const a = await stockedVariant(5);
    const b = await stockedVariant(5);
    const orderId = randomUUID();
    await reserve(orderId, [
      { variantId: a.variantId, quantity: 2 },
      { variantId: b.variantId, quantity: 3 },
    ]);
    await callInternal('inventory', 'commitReservation', { orderId });

    for (let i = 0; i < 2; i++) {
      expect(await callInternal('inventory', 'releaseReservation', { orderId, variantIds: [a.variantId] })).toEqual({ status: 'RELEASED' });
      expect([await available(a.variantId), await available(b.variantId)]).toEqual([5, 2]);
    }
    const [partly] = await db.select().from(reservations).where(eq(reservations.orderId, orderId));
    expect(partly!.status).toBe('COMMITTED');

    await Promise.all([1, 2, 3].map(() => callInternal('inventory', 'releaseReservation', { orderId })));
    expect(await levels(b.variantId, b.warehouseIds)).toEqual([{ onHand: 5, reserved: 0 }]);
    expect(await levels(a.variantId, a.warehouseIds)).toEqual([{ onHand: 5, reserved: 0 }]);
    const [released] = await db.select().from(reservations).where(eq(reservations.orderId, orderId));
    expect(released!.status).toBe('RELEASED');
    expect(await callInternal('inventory', 'commitReservation', { orderId })).toEqual({ status: 'EXPIRED' });
  });

  it('makes a reserve that arrives after the release hold nothing', async () => {
    const { variantId } = await stockedVariant(5);
    const orderId = randomUUID();
    expect(await callInternal('inventory', 'releaseReservation', { orderId })).toEqual({ status: 'RELEASED' });
    expect(await reserve(orderId, [{ variantId, quantity: 1 }])).toEqual({ status: 'INSUFFICIENT_STOCK', variantIds: [variantId] });
    expect(await available(variantId)).toBe(5);
    expect(await callInternal('inventory', 'releaseReservation', { orderId: 'not-an-id' })).toEqual({ status: 'RELEASED' });
  });
});

describe('shipReservedStock and restockReturned', () => {
  it('ships reserved units off the shelves once, and puts returns back where they shipped from, once per key', async () => {
    const variantId = await newVariant();
    const [near, far] = [await newWarehouse('OR'), await newWarehouse('TX')];
    await setStock(variantId, near!, 2);
    await setStock(variantId, far!, 10);
    const orderId = randomUUID();
    await reserve(orderId, [{ variantId, quantity: 4 }], { region: 'OR' });
    await callInternal('inventory', 'commitReservation', { orderId });
    expect(await available(variantId)).toBe(8);

    for (let i = 0; i < 2; i++) {
      expect(await callInternal('inventory', 'shipReservedStock', { orderId, variantIds: [variantId] })).toEqual({ status: 'SHIPPED' });
      expect(await levels(variantId, [near!, far!])).toEqual([
        { onHand: 0, reserved: 0 },
        { onHand: 8, reserved: 0 },
      ]);
      expect(await available(variantId)).toBe(8);
    }
    // Shipped units are no longer held: releasing the order now gives nothing back.
    await callInternal('inventory', 'releaseReservation', { orderId });
    expect(await available(variantId)).toBe(8);

    const restock = (quantity: number, idempotencyKey: string) =>
      callInternal('inventory', 'restockReturned', { orderId, lines: [{ variantId, quantity }], idempotencyKey });
    const outcomes = await Promise.all([1, 2, 3, 4].map(() => restock(3, `return-${orderId}`)));
    expect(outcomes).toEqual(Array(4).fill({ status: 'RESTOCKED' }));
    const [nearNow, farNow] = await levels(variantId, [near!, far!]);
    expect(nearNow!.onHand + farNow!.onHand).toBe(11);
    // Each warehouse gets back at most what it shipped: two from the nearby one, two from the other.
    expect(nearNow!.onHand).toBeLessThanOrEqual(2);
    expect(farNow!.onHand).toBeLessThanOrEqual(10);
    // A second return can bring back only what shipped and has not come back yet.
    await restock(5, `second-return-${orderId}`);
    expect(await levels(variantId, [near!, far!])).toEqual([
      { onHand: 2, reserved: 0 },
      { onHand: 10, reserved: 0 },
    ]);
    expect(await available(variantId)).toBe(12);
  });

  it('ships only the given variants, and never counts a warehouse below zero', async () => {
    const shipped = await stockedVariant(3);
    const kept = await stockedVariant(3);
    const orderId = randomUUID();
    await reserve(orderId, [
      { variantId: shipped.variantId, quantity: 3 },
      { variantId: kept.variantId, quantity: 1 },
    ]);
    // A recount found only one unit where three were reserved.
    await setStock(shipped.variantId, shipped.warehouseIds[0]!, 1);

    await callInternal('inventory', 'shipReservedStock', { orderId, variantIds: [shipped.variantId] });
    expect(await levels(shipped.variantId, shipped.warehouseIds)).toEqual([{ onHand: 0, reserved: 0 }]);
    expect(await levels(kept.variantId, kept.warehouseIds)).toEqual([{ onHand: 3, reserved: 1 }]);
  });
});

describe('stock events', () => {
  let tails: Consumer[];
  const seen: DomainEvent[] = [];
  beforeAll(async () => {
    // One tail per topic: a tail of several streams re-reads "$" for a stream until its first
    // event, so it could miss events of the quieter topic published between two reads.
    tails = ['stock.changed', 'stock.low'].map((topic) => tailEvents([topic], (event) => void seen.push(event)));
    // A tail follows from "now": give it a moment to start blocking on its stream.
    await new Promise((resolve) => setTimeout(resolve, 200));
  });
  afterAll(() => Promise.all(tails.map((tail) => tail.stop())));

  async function eventsOf(variantId: string, count: number): Promise<{ topic: string; available: unknown }[]> {
    const deadline = Date.now() + 5000;
    const mine = () => seen.filter((e) => e.key === variantId);
    while (mine().length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    return mine().map((e) => ({ topic: e.topic, available: e.payload.available }));
  }

  it('publishes every change of available, and a low-stock alert when it falls to the threshold', async () => {
    const { productId, variantIds } = await newVariants(1);
    const variantId = variantIds[0]!;
    const warehouseId = await newWarehouse();
    await setStock(variantId, warehouseId, 8);
    const orderId = randomUUID();
    await reserve(orderId, [{ variantId, quantity: 3 }]);
    await callInternal('inventory', 'commitReservation', { orderId });
    await callInternal('inventory', 'shipReservedStock', { orderId, variantIds: [variantId] });
    await callInternal('inventory', 'restockReturned', { orderId, lines: [{ variantId, quantity: 1 }], idempotencyKey: randomUUID() });
    const lapsing = randomUUID();
    await reserve(lapsing, [{ variantId, quantity: 6 }], { ttlSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await sweepExpiredReservations();

    // Commit and shipping leave available as it was: no events for them. (Topics are separate
    // streams, so order is only kept within each.)
    const events = await eventsOf(variantId, 7);
    expect(events.filter((e) => e.topic === 'stock.changed').map((e) => e.available)).toEqual([8, 5, 6, 0, 6]);
    expect(events.filter((e) => e.topic === 'stock.low').map((e) => e.available)).toEqual([5, 0]);
    const event = seen.find((e) => e.key === variantId && e.topic === 'stock.low')!;
    expect(event.payload).toEqual({ variantId, productId, sellerId: store.sellerId, available: 5, lowStockThreshold: 5 });
  });
});

describe('internal operations', () => {
  it('refuse callers without a service identity', async () => {
    const { variantId } = await stockedVariant(5);
    const body = JSON.stringify({ orderId: randomUUID(), lines: [{ variantId, quantity: 5 }], region: null });
    const post = (headers: Record<string, string>) =>
      fetch(`${server.url}/internal/reserveStock`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

    const user: Identity = asUser(randomUUID());
    const refused: Record<string, string>[] = [{}, { [IDENTITY_HEADER]: 'forged' }, { [IDENTITY_HEADER]: await signIdentityAssertion(user) }];
    for (const headers of refused) {
      expect((await post(headers)).status).toBe(403);
    }
    expect(await available(variantId)).toBe(5);
  });
});

describe('stock invariants', () => {
  it('hold under any sequence of reserve, commit, release, ship and recount', async () => {
    const variantId = await newVariant();
    const warehouseIds = [await newWarehouse('OR'), await newWarehouse('TX')];
    const orders: string[] = [];

    const step = fc.oneof(
      fc.record({ op: fc.constant('reserve' as const), quantity: fc.integer({ min: 1, max: 6 }), region: fc.constantFrom('OR', 'TX', null) }),
      fc.record({ op: fc.constantFrom('commit' as const, 'release' as const, 'ship' as const), order: fc.nat() }),
      fc.record({ op: fc.constant('recount' as const), warehouse: fc.integer({ min: 0, max: 1 }), onHand: fc.integer({ min: 0, max: 8 }) }),
    );
    type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;
    const run = (s: Step): Promise<unknown> => {
      if (s.op === 'reserve') {
        const orderId = randomUUID();
        orders.push(orderId);
        return reserve(orderId, [{ variantId, quantity: s.quantity }], { region: s.region });
      }
      if (s.op === 'recount') return setStock(variantId, warehouseIds[s.warehouse]!, s.onHand);
      const orderId = orders[s.order % Math.max(orders.length, 1)] ?? randomUUID();
      if (s.op === 'commit') return callInternal('inventory', 'commitReservation', { orderId });
      if (s.op === 'release') return callInternal('inventory', 'releaseReservation', { orderId });
      return callInternal('inventory', 'shipReservedStock', { orderId, variantIds: [variantId] });
    };

    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(step, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }), async (rounds) => {
        // Steps of one round run concurrently.
        for (const round of rounds) await Promise.all(round.map(run));

        const rows = await db.select().from(stockLevels).where(eq(stockLevels.variantId, variantId)).orderBy(asc(stockLevels.warehouseId));
        const held = await db.select().from(reservationLines).where(eq(reservationLines.variantId, variantId));
        for (const row of rows) {
          expect(row.onHand).toBeGreaterThanOrEqual(0);
          expect(row.reserved).toBeGreaterThanOrEqual(0);
          // What a warehouse holds is exactly what its unshipped, unreleased lines hold.
          const heldHere = held.filter((l) => l.warehouseId === row.warehouseId && !l.shippedAt && !l.releasedAt);
          expect(row.reserved).toBe(heldHere.reduce((sum, l) => sum + l.quantity, 0));
        }
        const onHand = rows.reduce((sum, r) => sum + r.onHand, 0);
        const availableNow = await available(variantId);
        expect(availableNow).toBeGreaterThanOrEqual(0);
        expect(availableNow).toBeLessThanOrEqual(onHand);
      }),
      { numRuns: 15 },
    );
  });
});
