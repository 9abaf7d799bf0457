import { callInternal, IDENTITY_HEADER, sqlStatements, startSubgraph, type Identity, type RunningServer } from '@marketplace/runtime';
import { asAdmin, asApiKey, asSeller, asUser, subgraphRequest } from '@marketplace/runtime/testing';
import { eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { products } from '../../products/src/index';
import { db } from '../src/db/client';
import { inventoryItems, stockLevels } from '../src/db/schema';
import { inventory } from '../src/index';

let catalog: RunningServer;
let server: RunningServer;
const admin = asAdmin(randomUUID());
let categoryId: string;

beforeAll(async () => {
  catalog = await startSubgraph(products, { port: 0 });
  process.env.PRODUCTS_URL = catalog.url;
  server = await startSubgraph(inventory, { port: 0 });
  process.env.INVENTORY_URL = server.url;

  const slug = `shoes-${randomUUID().slice(0, 8)}`;
  const res = await subgraphRequest(
    catalog.url,
    `mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { category { id } userErrors { code } } }`,
    { input: { name: 'Shoes', slug } },
    admin,
  );
  expect(res.data?.createCategory.userErrors).toEqual([]);
  categoryId = res.data!.createCategory.category.id;
});
afterAll(async () => {
  await server?.stop();
  await catalog?.stop();
});

const inventoryRequest = (query: string, variables: Record<string, unknown> = {}, identity?: Identity) =>
  subgraphRequest(server.url, query, variables, identity);

interface Store {
  sellerId: string;
  identity: Identity;
}
function newStore(): Store {
  const sellerId = randomUUID();
  return { sellerId, identity: asSeller(randomUUID(), sellerId) };
}

/** A product of `store` in the catalog, with `variantCount` variants; returns the ids. */
async function createProduct(store: Store, variantCount = 1): Promise<{ productId: string; variantIds: string[] }> {
  const tag = randomUUID().slice(0, 8);
  const res = await subgraphRequest(
    catalog.url,
    `mutation ($input: CreateProductInput!) {
      createProduct(input: $input) { product { id variants { id } } userErrors { field message code } }
    }`,
    {
      input: {
        title: `Trail Runner ${tag}`,
        description: 'A light shoe for long days on rough ground.',
        brand: 'Stride',
        categoryId,
        variants: Array.from({ length: variantCount }, (_, i) => ({ sku: `SKU-${tag}-${i}`, title: `Size ${40 + i}`, price: 2500 + i })),
      },
    },
    store.identity,
  );
  expect(res.errors).toBeUndefined();
  expect(res.data?.createProduct.userErrors).toEqual([]);
  const product = res.data!.createProduct.product;
  return { productId: product.id, variantIds: product.variants.map((v: { id: string }) => v.id) };
}

async function createWarehouse(input: { code?: string; name?: string; region?: string } = {}) {
  return inventoryRequest(
    `mutation ($input: CreateWarehouseInput!) {
      createWarehouse(input: $input) { warehouse { id code name region } userErrors { field message code } }
    }`,
    { input: { code: `WH-${randomUUID().slice(0, 8)}`, name: 'Main warehouse', region: 'NY', ...input } },
    admin,
  );
}
async function newWarehouse(): Promise<{ id: string; code: string }> {
  const res = await createWarehouse();
  expect(res.data?.createWarehouse.userErrors).toEqual([]);
  return res.data!.createWarehouse.warehouse;
}

const SET_STOCK = `mutation ($variantId: ID!, $warehouseId: ID!, $onHand: Int!) {
  setStock(variantId: $variantId, warehouseId: $warehouseId, onHand: $onHand) {
    stock { variantId available inStock }
    userErrors { field message code }
  }
}`;
const setStock = (identity: Identity | undefined, variantId: string, warehouseId: string, onHand: number) =>
  inventoryRequest(SET_STOCK, { variantId, warehouseId, onHand }, identity);

async function stocked(store: Store, variantId: string, warehouseId: string, onHand: number) {
  const res = await setStock(store.identity, variantId, warehouseId, onHand);
  expect(res.errors).toBeUndefined();
  expect(res.data?.setStock.userErrors).toEqual([]);
  return res.data!.setStock.stock;
}

const VARIANT_STOCK = `query ($reps: [_Any!]!) {
  _entities(representations: $reps) {
    ... on ProductVariant { id stock { variantId available inStock onHand reserved lowStockThreshold
      warehouses { warehouse { id code } onHand reserved available } } }
  }
}`;
const PUBLIC_VARIANT_STOCK = `query ($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on ProductVariant { id stock { available inStock } } }
}`;
const variantReps = (ids: string[]) => ids.map((id) => ({ __typename: 'ProductVariant', id }));

const stockRowsOf = (variantId: string) => db.select().from(stockLevels).where(eq(stockLevels.variantId, variantId));

describe('setStock', () => {
  it('counts stock per warehouse and sums what is available over warehouses', async () => {
    const store = newStore();
    const { variantIds: [variantId] } = await createProduct(store);
    const [east, west] = [await newWarehouse(), await newWarehouse()];

    expect(await stocked(store, variantId!, east.id, 7)).toEqual({ variantId, available: 7, inStock: true });
    expect(await stocked(store, variantId!, west.id, 5)).toEqual({ variantId, available: 12, inStock: true });
    // A stock count replaces the warehouse's number; it does not add to it.
    expect(await stocked(store, variantId!, east.id, 3)).toEqual({ variantId, available: 8, inStock: true });

    const res = await inventoryRequest(VARIANT_STOCK, { reps: variantReps([variantId!]) }, store.identity);
    expect(res.errors).toBeUndefined();
    const stock = res.data!._entities[0].stock;
    expect(stock).toMatchObject({ available: 8, inStock: true, onHand: 8, reserved: 0, lowStockThreshold: 5 });
    expect(stock.warehouses).toEqual(
      [east, west]
        .sort((a, b) => a.code.localeCompare(b.code))
        .map((w) => ({ warehouse: { id: w.id, code: w.code }, onHand: w === east ? 3 : 5, reserved: 0, available: w === east ? 3 : 5 })),
    );
  });

  it('never counts a warehouse below zero when more is reserved there than is on hand', async () => {
    const store = newStore();
    const { variantIds: [variantId] } = await createProduct(store);
    const [short, full] = [await newWarehouse(), await newWarehouse()];
    await stocked(store, variantId!, short.id, 6);
    await stocked(store, variantId!, full.id, 4);
    // Five units held there (the warehouse with the most available), then a recount finds only 2.
    const reservation = await callInternal('inventory', 'reserveStock', {
      orderId: randomUUID(),
      lines: [{ variantId: variantId!, quantity: 5 }],
      region: null,
    });
    expect(reservation.status).toBe('RESERVED');
    await stocked(store, variantId!, short.id, 2);

    const res = await inventoryRequest(VARIANT_STOCK, { reps: variantReps([variantId!]) }, store.identity);
    const stock = res.data!._entities[0].stock;
    expect(stock).toMatchObject({ available: 4, onHand: 6, reserved: 5 });
    expect(stock.warehouses.find((w: any) => w.warehouse.id === short.id).available).toBe(0);
  });

  it("is only for the variant's own store, with a session or a key holding INVENTORY_WRITE", async () => {
    const store = newStore();
    const { variantIds: [variantId] } = await createProduct(store);
    const warehouse = await newWarehouse();

    const other = await setStock(newStore().identity, variantId!, warehouse.id, 9);
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await stockRowsOf(variantId!)).toEqual([]);

    const writeKey = asApiKey(randomUUID(), store.sellerId, ['INVENTORY_WRITE']);
    expect((await setStock(writeKey, variantId!, warehouse.id, 4)).data?.setStock.stock.available).toBe(4);

    const productsKey = asApiKey(randomUUID(), store.sellerId, ['PRODUCTS_WRITE', 'INVENTORY_READ']);
    expect((await setStock(productsKey, variantId!, warehouse.id, 9)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await setStock(asUser(randomUUID()), variantId!, warehouse.id, 9)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await setStock(undefined, variantId!, warehouse.id, 9)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    expect((await stockRowsOf(variantId!)).map((r) => r.onHand)).toEqual([4]);
  });

  it('rejects a negative or absurd count and writes nothing', async () => {
    const store = newStore();
    const { variantIds: [variantId] } = await createProduct(store);
    const warehouse = await newWarehouse();

    for (const onHand of [-1, 1_000_001]) {
      const res = await setStock(store.identity, variantId!, warehouse.id, onHand);
      expect(res.data?.setStock).toEqual({
        stock: null,
        userErrors: [{ field: ['onHand'], message: expect.any(String), code: 'INVALID_INPUT' }],
      });
    }
    expect(await stockRowsOf(variantId!)).toEqual([]);
    expect(await db.select().from(inventoryItems).where(eq(inventoryItems.variantId, variantId!))).toEqual([]);
    expect(await stocked(store, variantId!, warehouse.id, 1_000_000)).toMatchObject({ available: 1_000_000 });
  });

  it('answers NOT_FOUND for unknown or malformed warehouses and variants', async () => {
    const store = newStore();
    const { variantIds: [variantId] } = await createProduct(store);
    const warehouse = await newWarehouse();

    for (const warehouseId of [randomUUID(), 'not-an-id']) {
      const res = await setStock(store.identity, variantId!, warehouseId, 1);
      expect(res.data?.setStock).toMatchObject({ stock: null, userErrors: [{ field: ['warehouseId'], code: 'NOT_FOUND' }] });
    }
    for (const unknownVariant of [randomUUID(), 'not-an-id']) {
      const res = await setStock(store.identity, unknownVariant, warehouse.id, 1);
      expect(res.data?.setStock).toMatchObject({ stock: null, userErrors: [{ field: ['variantId'], code: 'NOT_FOUND' }] });
    }
    expect(await stockRowsOf(variantId!)).toEqual([]);
  });

  it('keeps one consistent row when many counts of a new variant arrive at once', async () => {
    const store = newStore();
    const { variantIds: [variantId] } = await createProduct(store);
    const warehouse = await newWarehouse();
    const counts = Array.from({ length: 12 }, (_, i) => i + 1);

    const results = await Promise.all(counts.map((n) => setStock(store.identity, variantId!, warehouse.id, n)));
    for (const res of results) {
      expect(res.errors).toBeUndefined();
      expect(res.data?.setStock.userErrors).toEqual([]);
    }

    const rows = await stockRowsOf(variantId!);
    expect(rows).toHaveLength(1);
    expect(counts).toContain(rows[0]!.onHand);
    expect(await db.select().from(inventoryItems).where(eq(inventoryItems.variantId, variantId!))).toHaveLength(1);
    const read = await inventoryRequest(PUBLIC_VARIANT_STOCK, { reps: variantReps([variantId!]) });
    expect(read.data!._entities[0].stock.available).toBe(rows[0]!.onHand);
  });
});

describe('VariantStock', () => {
  it('shows available to everyone and on hand, reserved, thresholds and warehouses only to the store and operators', async () => {
    const store = newStore();
    const { variantIds: [variantId, neverStocked] } = await createProduct(store, 2);
    const warehouse = await newWarehouse();
    await stocked(store, variantId!, warehouse.id, 6);
    const reps = variantReps([variantId!, neverStocked!]);

    const anonymous = await inventoryRequest(PUBLIC_VARIANT_STOCK, { reps });
    expect(anonymous.errors).toBeUndefined();
    expect(anonymous.data!._entities.map((v: any) => v.stock)).toEqual([
      { available: 6, inStock: true },
      { available: 0, inStock: false },
    ]);

    const own = await inventoryRequest(VARIANT_STOCK, { reps }, store.identity);
    expect(own.errors).toBeUndefined();
    expect(own.data!._entities.map((v: any) => [v.stock.onHand, v.stock.warehouses.length])).toEqual([
      [6, 1],
      [0, 0],
    ]);
    const readKey = asApiKey(randomUUID(), store.sellerId, ['INVENTORY_READ']);
    expect((await inventoryRequest(VARIANT_STOCK, { reps }, readKey)).errors).toBeUndefined();
    expect((await inventoryRequest(VARIANT_STOCK, { reps }, admin)).data!._entities[0].stock.onHand).toBe(6);

    for (const stranger of [newStore().identity, asApiKey(randomUUID(), store.sellerId, ['PRODUCTS_READ']), asUser(randomUUID())]) {
      const res = await inventoryRequest(VARIANT_STOCK, { reps }, stranger);
      const codes = new Set(res.errors?.map((e) => e.extensions?.code));
      expect(codes).toEqual(new Set(['FORBIDDEN']));
      // Both the stocked and the never-stocked variant are hidden.
      expect(new Set(res.errors?.map((e) => e.path?.[1]))).toEqual(new Set([0, 1]));
    }
  });

  it('lets the store set its low-stock threshold, within 0..100000', async () => {
    const store = newStore();
    const { variantIds: [variantId] } = await createProduct(store);
    const mutation = `mutation ($variantId: ID!, $threshold: Int!) {
      setLowStockThreshold(variantId: $variantId, threshold: $threshold) {
        stock { lowStockThreshold available } userErrors { field code }
      }
    }`;

    const set = await inventoryRequest(mutation, { variantId, threshold: 12 }, store.identity);
    expect(set.data?.setLowStockThreshold).toEqual({ stock: { lowStockThreshold: 12, available: 0 }, userErrors: [] });
    for (const threshold of [-1, 100_001]) {
      const res = await inventoryRequest(mutation, { variantId, threshold }, store.identity);
      expect(res.data?.setLowStockThreshold).toEqual({ stock: null, userErrors: [{ field: ['threshold'], code: 'INVALID_INPUT' }] });
    }
    const other = await inventoryRequest(mutation, { variantId, threshold: 1 }, newStore().identity);
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const unknown = await inventoryRequest(mutation, { variantId: randomUUID(), threshold: 1 }, store.identity);
    expect(unknown.data?.setLowStockThreshold.userErrors).toEqual([{ field: ['variantId'], code: 'NOT_FOUND' }]);

    const [item] = await db.select().from(inventoryItems).where(eq(inventoryItems.variantId, variantId!));
    expect(item?.lowStockThreshold).toBe(12);
  });
});

describe('Seller.lowStock', () => {
  const LOW_STOCK = `query ($reps: [_Any!]!, $threshold: Int) {
    _entities(representations: $reps) { ... on Seller { lowStock(threshold: $threshold) { variantId available lowStockThreshold } } }
  }`;

  it("lists the store's variants at or below a threshold, lowest first, to the store and operators only", async () => {
    const store = newStore();
    const { variantIds: [scarce, plenty, tuned] } = await createProduct(store, 3);
    const warehouse = await newWarehouse();
    await stocked(store, scarce!, warehouse.id, 2);
    await stocked(store, plenty!, warehouse.id, 10);
    await stocked(store, tuned!, warehouse.id, 4);
    await inventoryRequest(
      `mutation ($v: ID!) { setLowStockThreshold(variantId: $v, threshold: 3) { userErrors { code } } }`,
      { v: tuned },
      store.identity,
    );
    // Another store's scarce variant never shows.
    const otherStore = newStore();
    await stocked(otherStore, (await createProduct(otherStore)).variantIds[0]!, warehouse.id, 0);
    const reps = [{ __typename: 'Seller', id: store.sellerId }];

    const ownThresholds = await inventoryRequest(LOW_STOCK, { reps }, store.identity);
    expect(ownThresholds.data!._entities[0].lowStock).toEqual([{ variantId: scarce, available: 2, lowStockThreshold: 5 }]);

    const upToTen = await inventoryRequest(LOW_STOCK, { reps, threshold: 10 }, asApiKey(randomUUID(), store.sellerId, ['INVENTORY_READ']));
    expect(upToTen.data!._entities[0].lowStock.map((s: any) => [s.variantId, s.available])).toEqual([
      [scarce, 2],
      [tuned, 4],
      [plenty, 10],
    ]);
    expect((await inventoryRequest(LOW_STOCK, { reps, threshold: 3 }, admin)).data!._entities[0].lowStock).toHaveLength(1);

    for (const stranger of [otherStore.identity, asApiKey(randomUUID(), store.sellerId, ['INVENTORY_WRITE'])]) {
      expect((await inventoryRequest(LOW_STOCK, { reps }, stranger)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    for (const threshold of [-1, 100_001]) {
      const res = await inventoryRequest(LOW_STOCK, { reps, threshold }, store.identity);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('stock of many variants and products', () => {
  it('costs the same SQL for 5 and for 50 representations', async () => {
    const store = newStore();
    const warehouse = await newWarehouse();
    const created = await Promise.all(Array.from({ length: 50 }, () => createProduct(store)));
    const stockedIndexes = new Set(created.map((_, i) => i).filter((i) => i % 3 === 0));
    for (const i of stockedIndexes) await stocked(store, created[i]!.variantIds[0]!, warehouse.id, 1 + i);

    const query = `query ($reps: [_Any!]!) {
      _entities(representations: $reps) {
        ... on Product { id inStock }
        ... on ProductVariant { id stock { available inStock onHand warehouses { warehouse { code } available } } }
      }
    }`;
    const reps = (n: number) =>
      created.slice(0, n).flatMap((p) => [
        { __typename: 'Product', id: p.productId },
        { __typename: 'ProductVariant', id: p.variantIds[0] },
      ]);
    const statementsFor = async (n: number) => {
      const before = sqlStatements.count;
      const res = await inventoryRequest(query, { reps: reps(n) }, store.identity);
      const statements = sqlStatements.count - before;
      expect(res.errors).toBeUndefined();
      return { statements, entities: res.data!._entities };
    };

    // A fresh pool connection first asks Postgres for its types; warm up so only the request is counted.
    await statementsFor(50);
    const small = await statementsFor(5);
    const large = await statementsFor(50);
    expect(large.entities).toHaveLength(100);
    expect(large.statements).toBe(small.statements);
    large.entities.forEach((entity: any, i: number) => {
      const stockedHere = stockedIndexes.has(Math.floor(i / 2));
      if (i % 2 === 0) expect(entity.inStock).toBe(stockedHere);
      else expect(entity.stock.onHand > 0).toBe(stockedHere);
    });
  });

  it('says a product inventory has never heard of is out of stock', async () => {
    const res = await inventoryRequest(`query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Product { inStock } } }`, {
      reps: [{ __typename: 'Product', id: randomUUID() }, { __typename: 'Product', id: 'nope' }],
    });
    expect(res.data?._entities).toEqual([{ inStock: false }, { inStock: false }]);
  });

  it('answers availability to other services in one call, 0 for variants never stocked', async () => {
    const store = newStore();
    const { variantIds: [variantId, neverStocked] } = await createProduct(store, 2);
    const [a, b] = [await newWarehouse(), await newWarehouse()];
    await stocked(store, variantId!, a.id, 3);
    await stocked(store, variantId!, b.id, 4);

    expect(await callInternal('inventory', 'availability', { variantIds: [variantId!, neverStocked!, 'nope'] })).toEqual([
      { variantId, available: 7 },
      { variantId: neverStocked, available: 0 },
      { variantId: 'nope', available: 0 },
    ]);
    const forged = await fetch(`${server.url}/internal/availability`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: 'forged' },
      body: JSON.stringify({ variantIds: [variantId] }),
    });
    expect(forged.status).toBe(403);
  });
});

describe('warehouses', () => {
  it('are created by operators with a normalised, unique code and listed by code', async () => {
    const code = `us-${randomUUID().slice(0, 6)}`;
    const created = await createWarehouse({ code: `  ${code} `, name: ' East ', region: 'US-East' });
    expect(created.data?.createWarehouse).toEqual({
      warehouse: { id: expect.any(String), code: code.toUpperCase(), name: 'East', region: 'US-East' },
      userErrors: [],
    });
    const duplicate = await createWarehouse({ code: code.toUpperCase() });
    expect(duplicate.data?.createWarehouse).toMatchObject({ warehouse: null, userErrors: [{ field: ['input', 'code'], code: 'DUPLICATE' }] });

    const list = await inventoryRequest(`{ warehouses { id code } }`, {}, newStore().identity);
    const codes = list.data!.warehouses.map((w: { code: string }) => w.code);
    expect(codes).toContain(code.toUpperCase());
    expect(codes).toEqual([...codes].sort());

    const { id } = created.data!.createWarehouse.warehouse;
    // Warehouses are stores' and operators' business, also by reference.
    const WAREHOUSE_REFS = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Warehouse { code } } }`;
    const reps = [{ __typename: 'Warehouse', id }, { __typename: 'Warehouse', id: randomUUID() }];
    const ref = await inventoryRequest(WAREHOUSE_REFS, { reps }, newStore().identity);
    expect(ref.data?._entities).toEqual([{ code: code.toUpperCase() }, null]);
    expect((await inventoryRequest(WAREHOUSE_REFS, { reps })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('reject malformed codes and missing or oversized names, all at once', async () => {
    for (const code of ['-AB', 'A', 'A B', 'WH_1']) {
      const res = await createWarehouse({ code });
      expect(res.data?.createWarehouse.userErrors).toMatchObject([{ field: ['input', 'code'], code: 'INVALID_INPUT' }]);
    }
    const res = await createWarehouse({ code: 'A'.repeat(33), name: ' ', region: 'R'.repeat(101) });
    expect(res.data?.createWarehouse).toMatchObject({
      warehouse: null,
      userErrors: [
        { field: ['input', 'code'], code: 'TOO_LONG' },
        { field: ['input', 'name'], code: 'INVALID_INPUT' },
        { field: ['input', 'region'], code: 'TOO_LONG' },
      ],
    });
  });

  it('are created by operators only', async () => {
    const res = await inventoryRequest(
      `mutation { createWarehouse(input: { code: "NOPE-1", name: "N", region: "R" }) { userErrors { code } } }`,
      {},
      newStore().identity,
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('identity', () => {
  it('treats made-up identity headers as anonymous', async () => {
    const store = newStore();
    const { variantIds: [variantId] } = await createProduct(store);
    const warehouse = await newWarehouse();
    const forgedHeaders = { 'x-user-id': randomUUID(), 'x-roles': 'ADMIN,SELLER', 'x-seller-id': store.sellerId };

    const forgedSet = await subgraphRequest(server.url, SET_STOCK, { variantId, warehouseId: warehouse.id, onHand: 5 }, undefined, forgedHeaders);
    expect(forgedSet.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const forgedList = await subgraphRequest(server.url, `{ warehouses { id } }`, {}, undefined, forgedHeaders);
    expect(forgedList.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await stockRowsOf(variantId!)).toEqual([]);
  });
});
