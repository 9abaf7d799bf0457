/** Products' copies of stock and ratings: idempotent under redelivery, reordering and concurrent writers. */
import { startSubgraph, type RunningServer } from '@marketplace/runtime';
import { asSeller, subgraphRequest } from '@marketplace/runtime/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../src/db/client';
import { products } from '../src/index';
import { projectRatings, projectStock, type RatingValue, type StockValue } from '../src/projections';
import { createTestCategory } from './support';

let server: RunningServer;
const seller = asSeller(randomUUID(), randomUUID());
const word = `zq${randomUUID().replace(/-/g, '').slice(0, 10)}`;
let product: { id: string; variants: { id: string }[] };

beforeAll(async () => {
  server = await startSubgraph(products, { port: 0 });
  const categoryId = await createTestCategory(server.url, 'Projections');
  const created = await subgraphRequest(
    server.url,
    `mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id variants { id } } } }`,
    {
      input: {
        title: `Canteen ${word}`,
        description: '',
        brand: 'Flask',
        categoryId,
        variants: [1, 2].map((i) => ({ sku: `${word}-${i}`, title: `V${i}`, price: 1000 * i })),
      },
    },
    seller,
  );
  product = created.data!.createProduct.product;
});
afterAll(() => server.stop());

const search = async (filter: Record<string, unknown>) => {
  const res = await subgraphRequest(server.url, `query ($q: String, $f: ProductFilter) { products(query: $q, filter: $f) { totalCount } }`, {
    q: word,
    f: filter,
  });
  expect(res.errors).toBeUndefined();
  return res.data!.products.totalCount as number;
};
const inStock = async () => (await search({ inStock: true })) === 1;
const stock = (variant: number, available: number, version: number): StockValue => ({
  variantId: product.variants[variant]!.id,
  productId: product.id,
  available,
  version,
});
const applyStockAlone = (...values: StockValue[]) => projectStock(db, values);
const applyRatingsAlone = (...values: RatingValue[]) => projectRatings(db, values);

describe("products' copy of stock", () => {
  it('keeps the newest value of each variant, whatever comes again or late', async () => {
    await applyStockAlone(stock(0, 3, 10));
    expect(await inStock()).toBe(true);
    await applyStockAlone(stock(0, 0, 12));
    expect(await inStock()).toBe(false);
    // Redelivered, then an older event arriving late: nothing changes.
    await applyStockAlone(stock(0, 0, 12));
    await applyStockAlone(stock(0, 3, 10));
    expect(await inStock()).toBe(false);
    // In one batch, the newest of a variant's values wins, in any order.
    await applyStockAlone(stock(1, 4, 15), stock(1, 0, 14));
    expect(await inStock()).toBe(true);
  });

  it('is right about the product when its variants change in concurrent transactions', async () => {
    let version = 100;
    for (let round = 0; round < 30; round++) {
      // One variant runs out while the other is restocked, at the same moment: always in stock.
      const [first, second] = round % 2 ? [0, 5] : [5, 0];
      await Promise.all([applyStockAlone(stock(0, first, ++version)), applyStockAlone(stock(1, second, ++version))]);
      expect(await inStock()).toBe(true);
    }
    await Promise.all([applyStockAlone(stock(0, 0, ++version)), applyStockAlone(stock(1, 0, ++version))]);
    expect(await inStock()).toBe(false);
  });

  it('ignores variants of products the catalog does not have', async () => {
    await applyStockAlone({ variantId: randomUUID(), productId: randomUUID(), available: 5, version: 1 });
  });
});

describe("products' copy of ratings", () => {
  it('keeps the newest rating, whatever comes again or late', async () => {
    await applyRatingsAlone({ productId: product.id, count: 2, sum: 9, version: 5 });
    expect(await search({ minRating: 4.5 })).toBe(1);
    await applyRatingsAlone({ productId: product.id, count: 1, sum: 4, version: 3 });
    await applyRatingsAlone({ productId: product.id, count: 2, sum: 9, version: 5 });
    expect(await search({ minRating: 4.5 })).toBe(1);
    await applyRatingsAlone(
      { productId: product.id, count: 4, sum: 12, version: 9 },
      { productId: product.id, count: 3, sum: 11, version: 8 },
    );
    expect(await search({ minRating: 3.1 })).toBe(0);
    expect(await search({ minRating: 3 })).toBe(1);
  });
});
