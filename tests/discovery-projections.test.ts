/**
 * Search filters and sorts on stock and ratings, which inventory and reviews own: products' copies
 * follow their events within 2 seconds (the contract), and `pnpm rebuild:projections` rebuilds them.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { op } from '../scripts/contract';
import type { Stack } from '../scripts/stack';
import { database } from '../subgraphs/products/src/db/client';
import { rebuildProjections } from '../subgraphs/products/src/rebuild';
import { allPages, catalog, eventually, reviewAsNewCustomer, uniqueWord, writeReview } from './discovery-helpers';
import { createProduct, registerCustomer, registerSeller, setStock, startMarketplace } from './helpers';

const run = promisify(execFile);
let stack: Stack;
let admin: string;
let categoryId: string;
let warehouseId: string;
let seller: Awaited<ReturnType<typeof registerSeller>>;

beforeAll(async () => {
  ({ stack, admin, categoryId, warehouseId } = await startMarketplace());
  seller = await registerSeller(stack);
}, 60_000);
afterAll(() => stack.stop());

const idsOf = async (word: string, filter: Record<string, unknown> = {}, sort?: string) =>
  (await allPages(stack, { query: word, filter, sort }, 1)).map((n) => n.id);
const sameIds = (expected: string[]) => (ids: string[]) => JSON.stringify([...ids].sort()) === JSON.stringify([...expected].sort());
const sameOrder = (expected: string[]) => (ids: string[]) => JSON.stringify(ids) === JSON.stringify(expected);

describe('the inStock filter', () => {
  it('drops a product within 2 s of its last stocked variant reaching 0, and keeps one with stock left', async () => {
    const word = uniqueWord();
    const single = await createProduct(stack, seller.token, categoryId, { title: `Tent ${word}`, prices: [9900] });
    const double = await createProduct(stack, seller.token, categoryId, { title: `Tarp ${word}`, prices: [2500, 3500] });
    // New products have no stock yet.
    expect(await idsOf(word, { inStock: false })).toEqual(expect.arrayContaining([single.id, double.id]));

    await setStock(stack, seller.token, single.variants[0]!.id, warehouseId, 5);
    await setStock(stack, seller.token, double.variants[0]!.id, warehouseId, 3);
    await setStock(stack, seller.token, double.variants[1]!.id, warehouseId, 4);
    expect(await eventually(() => idsOf(word, { inStock: true }), sameIds([single.id, double.id]))).toEqual(
      expect.arrayContaining([single.id, double.id]),
    );

    await setStock(stack, seller.token, single.variants[0]!.id, warehouseId, 0);
    await setStock(stack, seller.token, double.variants[0]!.id, warehouseId, 0);
    expect(await eventually(() => idsOf(word, { inStock: true }), sameIds([double.id]))).toEqual([double.id]);
    expect(await idsOf(word, { inStock: false })).toEqual([single.id]);
    // Counts and facets follow the filter too.
    const inStock = await catalog(stack, { query: word, filter: { inStock: true } });
    expect(inStock.totalCount).toBe(1);
    expect(inStock.facets.brands).toEqual([{ value: 'Stride', label: 'Stride', count: 1 }]);
    expect(inStock.edges[0]!.node.inStock).toBe(true);
  });
});

describe('ratings in search', () => {
  it('a published review changes the rating, the minRating filter and the RATING_DESC order within 2 s', async () => {
    const word = uniqueWord();
    const [a, b, c] = await Promise.all(
      ['a', 'b', 'c'].map((suffix) => createProduct(stack, seller.token, categoryId, { title: `Stove ${word} ${suffix}` })),
    );
    await reviewAsNewCustomer(stack, a!.id, 4);
    await reviewAsNewCustomer(stack, b!.id, 3);
    // Unrated products come last.
    expect(await eventually(() => idsOf(word, {}, 'RATING_DESC'), sameOrder([a!.id, b!.id, c!.id]))).toEqual([a!.id, b!.id, c!.id]);
    expect(await idsOf(word, { minRating: 3.5 })).toEqual([a!.id]);
    // The listing shows products' copies, as the product page shows reviews' own figures.
    const listed = (await catalog(stack, { query: word, sort: 'RATING_DESC' })).edges.map((e) => e.node.rating);
    expect(listed).toEqual([{ average: 4, count: 1 }, { average: 3, count: 1 }, { average: null, count: 0 }]);

    await reviewAsNewCustomer(stack, c!.id, 5);
    expect(await eventually(() => idsOf(word, {}, 'RATING_DESC'), sameOrder([c!.id, a!.id, b!.id]))).toEqual([c!.id, a!.id, b!.id]);
    await reviewAsNewCustomer(stack, a!.id, 5);
    expect(await eventually(() => idsOf(word, { minRating: 4.5 }), sameIds([a!.id, c!.id]))).toEqual(expect.arrayContaining([a!.id, c!.id]));
    const page = await catalog(stack, { query: word, sort: 'RATING_DESC' });
    expect(page.edges.map((e) => [e.node.id, e.node.rating])).toEqual([
      [c!.id, { average: 5, count: 1 }],
      [a!.id, { average: 4.5, count: 2 }],
      [b!.id, { average: 3, count: 1 }],
    ]);
  });

  it('does not count a review with a link until an operator approves it', async () => {
    const word = uniqueWord();
    const held = await createProduct(stack, seller.token, categoryId, { title: `Lantern ${word} held` });
    const clean = await createProduct(stack, seller.token, categoryId, { title: `Lantern ${word} clean` });
    const customer = await registerCustomer(stack);
    const spam = await writeReview(stack, customer.token, held.id, 2, { body: 'Cheaper at http://deals.example.com today' });
    expect(spam.review!.status).toBe('PENDING_MODERATION');

    // A clean review written after it shows up; the held one still counts for nothing.
    await reviewAsNewCustomer(stack, clean.id, 5);
    expect(await eventually(() => idsOf(word, { minRating: 1 }), sameIds([clean.id]))).toEqual([clean.id]);
    const before = await stack.request(op('ProductPage'), { id: held.id });
    expect(before.data.product.rating).toMatchObject({ average: null, count: 0 });

    const decided = await stack.request(op('ModerateReview'), { id: spam.review!.id, decision: 'APPROVE' }, admin);
    expect(decided.data.moderateReview).toMatchObject({ review: { status: 'PUBLISHED' }, userErrors: [] });
    expect(await eventually(() => idsOf(word, { minRating: 1 }), sameIds([held.id, clean.id]))).toEqual(expect.arrayContaining([held.id, clean.id]));
    expect(await idsOf(word, {}, 'RATING_DESC')).toEqual([clean.id, held.id]);
    const after = await stack.request(op('ProductPage'), { id: held.id });
    expect(after.data.product.rating).toMatchObject({ average: 2, count: 1 });
  });
});

describe('pnpm rebuild:projections', () => {
  it("rebuilds products' copies of stock and ratings from inventory and reviews", async () => {
    const word = uniqueWord();
    const product = await createProduct(stack, seller.token, categoryId, { title: `Compass ${word}`, prices: [4200] });
    await setStock(stack, seller.token, product.variants[0]!.id, warehouseId, 2);
    await reviewAsNewCustomer(stack, product.id, 5);
    await eventually(() => idsOf(word, { inStock: true, minRating: 5 }), sameIds([product.id]));

    // The copy is lost (a bad migration, a restored backup): search no longer knows.
    await database.sql`delete from products.variant_stock where product_id = ${product.id}`;
    await database.sql`update products.products set in_stock = false, rating_average = 0, rating_count = 0, rating_version = 0 where id = ${product.id}`;
    expect(await idsOf(word, { inStock: true })).toEqual([]);
    expect(await idsOf(word, { minRating: 1 })).toEqual([]);

    const rebuilt = await rebuildProjections();
    expect(rebuilt.variants).toBeGreaterThanOrEqual(1);
    expect(rebuilt.ratedProducts).toBeGreaterThanOrEqual(1);
    expect(await idsOf(word, { inStock: true, minRating: 5 })).toEqual([product.id]);

    // Events keep applying after a rebuild.
    await setStock(stack, seller.token, product.variants[0]!.id, warehouseId, 0);
    expect(await eventually(() => idsOf(word, { inStock: true }), sameIds([]))).toEqual([]);
  });

  it('runs as the command the README gives, and exits when done', async () => {
    const urls = Object.fromEntries(Object.entries(stack.subgraphUrls).map(([name, url]) => [`${name.toUpperCase()}_URL`, url]));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'subgraphs/products/src/rebuild-main.ts'], {
      env: { ...process.env, ...urls },
      timeout: 30_000,
    });
    expect(stdout).toMatch(/^rebuilt: \d+ variants' stock, \d+ products' ratings$/m);
  });

  it('ends with the latest stock when stock changes while it runs', async () => {
    const word = uniqueWord();
    const product = await createProduct(stack, seller.token, categoryId, { title: `Sextant ${word}`, prices: [5100] });
    const variantId = product.variants[0]!.id;
    await setStock(stack, seller.token, variantId, warehouseId, 4);
    const changes = (async () => {
      // In and out of stock, ending out: a snapshot or event older than the last change must not win.
      for (let i = 1; i <= 15; i++) await setStock(stack, seller.token, variantId, warehouseId, i % 2 ? 0 : 4);
    })();
    await new Promise((r) => setTimeout(r, 100));
    await Promise.all([rebuildProjections(), changes]);
    expect(await eventually(() => idsOf(word, { inStock: false }), sameIds([product.id]))).toEqual([product.id]);
    // And it stays so: nothing late overturns it.
    await new Promise((r) => setTimeout(r, 500));
    expect(await idsOf(word, { inStock: false })).toEqual([product.id]);
  });
});
