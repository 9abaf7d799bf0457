/**
 * The search cache (search-cache.ts): a repeated search costs no SQL, and every change of what
 * search reads is seen by the next search, with no delay, however the results were cached before.
 */
import { bumpCatalogVersion, sqlStatements, startSubgraph, type RunningServer } from '@marketplace/runtime';
import { asSeller, subgraphRequest } from '@marketplace/runtime/testing';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../src/db/client';
import { products } from '../src/db/schema';
import { products as productsSubgraph } from '../src/index';
import { createTestCategory } from './support';
import { projectRatings, projectStock } from '../src/projections';

let server: RunningServer;
let categoryId: string;
const seller = asSeller(randomUUID(), randomUUID());
const uniqueWord = () => `zq${randomUUID().replace(/-/g, '').slice(0, 10)}`;

const SEARCH = `query ($q: String, $f: ProductFilter, $s: ProductSort) { products(query: $q, filter: $f, sort: $s) {
  totalCount facets { brands { value count } } edges { cursor node { id title price { amount } category { id name } } } } }`;

async function search(q: string, f: Record<string, unknown> = {}, s?: string) {
  const res = await subgraphRequest(server.url, SEARCH, { q, f, s });
  expect(res.errors).toBeUndefined();
  const found = res.data!.products as { totalCount: number; facets: { brands: { value: string; count: number }[] }; edges: { node: { id: string; title: string; price: { amount: number } } }[] };
  return { ...found, ids: found.edges.map((e) => e.node.id) };
}

async function createProduct(title: string, prices = [1000]) {
  const res = await subgraphRequest(
    server.url,
    `mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id variants { id } } userErrors { code } } }`,
    {
      input: {
        title,
        description: '',
        brand: 'Cachet',
        categoryId,
        variants: prices.map((price, i) => ({ sku: `${randomUUID().slice(0, 12)}-${i}`, title: `V${i}`, price })),
      },
    },
    seller,
  );
  expect(res.data!.createProduct.userErrors).toEqual([]);
  return res.data!.createProduct.product as { id: string; variants: { id: string }[] };
}

async function mutate(mutation: string, variables: Record<string, unknown>) {
  const res = await subgraphRequest(server.url, mutation, variables, seller);
  expect(res.errors).toBeUndefined();
}

beforeAll(async () => {
  server = await startSubgraph(productsSubgraph, { port: 0 });
  categoryId = await createTestCategory(server.url, 'Cache');
});
afterAll(() => server.stop());

describe('the search cache', () => {
  it('answers a repeated search without SQL, categories of its products included', async () => {
    const word = uniqueWord();
    await createProduct(`Lamp ${word}`);
    // Other test files change the catalog meanwhile (each change empties the cache): one of a few
    // tries sees two searches in a row with no change between them.
    const costs: number[] = [];
    for (let tries = 0; tries < 5 && !costs.includes(0); tries++) {
      await search(word);
      const before = sqlStatements.count;
      expect((await search(word)).totalCount).toBe(1);
      costs.push(sqlStatements.count - before);
    }
    expect(costs).toContain(0);
  });

  it('reads a result once for all the searches asking for it at the same time', async () => {
    const word = uniqueWord();
    await createProduct(`Desk ${word}`);
    const statementsOf = async (work: () => Promise<unknown>) => {
      await bumpCatalogVersion(); // empties the cache, as any change does
      const before = sqlStatements.count;
      await work();
      return sqlStatements.count - before;
    };
    // As above, a change from another test file may come between: one of a few tries has none.
    const tries: [number, number][] = [];
    for (let i = 0; i < 5 && !tries.some(([one, many]) => one === many); i++) {
      tries.push([await statementsOf(() => search(word)), await statementsOf(() => Promise.all([1, 2, 3, 4, 5].map(() => search(word))))]);
    }
    expect(tries.some(([one, many]) => one === many && one > 0)).toBe(true);
  });

  it('finds a product created, changed, repriced or archived at once', async () => {
    const word = uniqueWord();
    expect((await search(word)).totalCount).toBe(0);
    const product = await createProduct(`Kettle ${word}`, [2000]);
    expect((await search(word)).ids).toEqual([product.id]);

    const renamed = uniqueWord();
    expect((await search(renamed)).totalCount).toBe(0);
    await mutate(`mutation ($id: ID!, $t: String!) { updateProduct(id: $id, input: { title: $t }) { userErrors { code } } }`, {
      id: product.id,
      t: `Kettle ${renamed}`,
    });
    expect((await search(renamed)).ids).toEqual([product.id]);
    expect((await search(word)).totalCount).toBe(0);

    expect((await search(renamed, { priceMax: 1500 })).totalCount).toBe(0);
    await mutate(`mutation ($id: ID!) { updateProductVariant(id: $id, input: { price: 1200 }) { userErrors { code } } }`, {
      id: product.variants[0]!.id,
    });
    expect((await search(renamed, { priceMax: 1500 })).edges.map((e) => e.node.price.amount)).toEqual([1200]);

    await mutate(`mutation ($id: ID!) { updateProduct(id: $id, input: { status: ARCHIVED }) { userErrors { code } } }`, { id: product.id });
    expect((await search(renamed)).totalCount).toBe(0);
  });

  it('suggests a product created or renamed at once', async () => {
    const word = uniqueWord();
    const suggest = async (prefix: string) => {
      const res = await subgraphRequest(server.url, `query ($p: String!) { productSuggestions(prefix: $p) { id title } }`, { p: prefix });
      expect(res.errors).toBeUndefined();
      return (res.data!.productSuggestions as { id: string; title: string }[]).map((p) => p.title);
    };
    expect(await suggest(word)).toEqual([]);
    const product = await createProduct(`${word} lantern`);
    expect(await suggest(word)).toEqual([`${word} lantern`]);
    await mutate(`mutation ($id: ID!, $t: String!) { updateProduct(id: $id, input: { title: $t }) { userErrors { code } } }`, {
      id: product.id,
      t: `${word} torch`,
    });
    expect(await suggest(word)).toEqual([`${word} torch`]);
  });

  it("follows the copies of stock and ratings as soon as they change", async () => {
    const word = uniqueWord();
    const [a, b] = [await createProduct(`Tent ${word} a`), await createProduct(`Tent ${word} b`)];
    const stock = (product: typeof a, available: number, version: number) => ({
      variantId: product.variants[0]!.id,
      productId: product.id,
      available,
      version,
    });
    await projectStock(db, [stock(a, 3, 1), stock(b, 2, 1)]);
    expect((await search(word, { inStock: true })).totalCount).toBe(2);
    await projectStock(db, [stock(a, 0, 2)]);
    expect((await search(word, { inStock: true })).ids).toEqual([b.id]);

    expect((await search(word, {}, 'RATING_DESC')).ids).toEqual([a.id, b.id].sort().reverse());
    expect((await search(word, { minRating: 4 })).totalCount).toBe(0);
    await projectRatings(db, [{ productId: a.id, count: 1, sum: 5, version: 1 }]);
    expect((await search(word, {}, 'RATING_DESC')).ids).toEqual([a.id, b.id]);
    expect((await search(word, { minRating: 4 })).ids).toEqual([a.id]);
    await projectRatings(db, [{ productId: b.id, count: 2, sum: 10, version: 1 }, { productId: a.id, count: 2, sum: 7, version: 2 }]);
    expect((await search(word, {}, 'RATING_DESC')).ids).toEqual([b.id, a.id]);
  });

  it("drops what it holds when another instance counts a change (the counter in Redis is all they share)", async () => {
    const word = uniqueWord();
    const product = await createProduct(`Mug ${word}`);
    expect((await search(word)).edges[0]!.node.title).toBe(`Mug ${word}`);
    // Written as another products process would, then counted as it would count it.
    await db.update(products).set({ title: `Cup ${word}` }).where(eq(products.id, product.id));
    await bumpCatalogVersion();
    expect((await search(word)).edges[0]!.node.title).toBe(`Cup ${word}`);
  });
});
