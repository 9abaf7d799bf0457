import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { op } from '../scripts/contract';
import { startStack, type Stack } from '../scripts/stack';
import { allPages, catalog, uniqueWord } from './discovery-helpers';
import { createCategory, createProduct, operatorToken, registerCustomer, registerSeller } from './helpers';

let stack: Stack;
let admin: string;
let seller: Awaited<ReturnType<typeof registerSeller>>;

beforeAll(async () => {
  stack = await startStack();
  admin = await operatorToken(stack);
  seller = await registerSeller(stack);
}, 60_000);
afterAll(() => stack.stop());

const byPriceThenId = (a: { price: number; id: string }, b: { price: number; id: string }) =>
  a.price - b.price || (a.id < b.id ? -1 : 1);

describe('searching the catalog', () => {
  it("finds a seller's new products by a word of their title and by their brand facet, with facet counts equal to the matches", async () => {
    const word = uniqueWord();
    const parent = await createCategory(stack, admin);
    const child = await createCategory(stack, admin, parent.id);
    const specs = [
      { brand: 'Northwind', price: 1500, category: parent.id },
      { brand: 'Northwind', price: 3000, category: parent.id },
      { brand: 'Northwind', price: 4000, category: child.id },
      { brand: 'Contoso', price: 7000, category: parent.id },
      { brand: 'Contoso', price: 12_000, category: child.id },
    ];
    const created = [];
    for (const [i, spec] of specs.entries()) {
      const product = await createProduct(stack, seller.token, spec.category, { title: `Kettle ${word} ${i}`, brand: spec.brand, prices: [spec.price] });
      created.push(product.id);
    }

    const found = await catalog(stack, { query: word, first: 10 });
    expect(found.totalCount).toBe(5);
    expect(found.edges.map((e) => e.node.id).sort()).toEqual([...created].sort());
    expect(new Set(found.edges.map((e) => JSON.stringify(e.node.seller)))).toEqual(
      new Set([JSON.stringify({ id: seller.sellerId, storeName: seller.storeName })]),
    );
    expect(found.facets.brands).toEqual([
      { value: 'Northwind', label: 'Northwind', count: 3 },
      { value: 'Contoso', label: 'Contoso', count: 2 },
    ]);
    expect(found.facets.categories).toEqual([
      { value: parent.id, label: parent.name, count: 3 },
      { value: child.id, label: child.name, count: 2 },
    ]);
    expect(found.facets.priceRanges).toEqual([
      { min: 0, max: 2500, count: 1 },
      { min: 2500, max: 5000, count: 2 },
      { min: 5000, max: 10_000, count: 1 },
      { min: 10_000, max: 25_000, count: 1 },
    ]);

    // Following a facet gives as many products as it announced.
    for (const brand of found.facets.brands) {
      expect((await catalog(stack, { query: word, filter: { brands: [brand.value] } })).totalCount).toBe(brand.count);
    }
    for (const category of found.facets.categories) {
      // A category filter takes its descendants too: the parent's 3 plus the child's 2.
      const expected = category.value === parent.id ? 5 : 2;
      expect((await catalog(stack, { query: word, filter: { categoryId: category.value } })).totalCount).toBe(expected);
    }
    for (const range of found.facets.priceRanges) {
      const filter = { priceMin: range.min, priceMax: range.max! - 1 };
      expect((await catalog(stack, { query: word, filter })).totalCount).toBe(range.count);
    }

    // Each facet ignores its own filter and follows the others.
    const contoso = await catalog(stack, { query: word, filter: { brands: ['Contoso'] } });
    expect(contoso.facets.brands.map((b) => [b.value, b.count])).toEqual([['Northwind', 3], ['Contoso', 2]]);
    // Equal counts come in name order.
    expect(contoso.facets.categories).toEqual(
      [parent, child].sort((a, b) => a.name.localeCompare(b.name)).map((c) => ({ value: c.id, label: c.name, count: 1 })),
    );
    expect(contoso.facets.priceRanges.map((r) => [r.min, r.count])).toEqual([[5000, 1], [10_000, 1]]);
  });

  it('filters by price and gives the right order over several pages in every sort', async () => {
    const word = uniqueWord();
    const category = await createCategory(stack, admin);
    const prices = [1200, 4500, 2300, 4500, 9900, 3100, 6000, 2000];
    const created: { id: string; price: number }[] = [];
    for (const [i, price] of prices.entries()) {
      const product = await createProduct(stack, seller.token, category.id, { title: `Lamp ${word} ${i}`, prices: [price] });
      created.push({ id: product.id, price });
    }
    const filter = { priceMin: 2000, priceMax: 6000 };
    const inRange = created.filter((p) => p.price >= 2000 && p.price <= 6000);
    expect(inRange).toHaveLength(6);
    const ids = (nodes: { id: string }[]) => nodes.map((n) => n.id);

    expect(ids(await allPages(stack, { query: word, filter, sort: 'PRICE_ASC' }))).toEqual(ids([...inRange].sort(byPriceThenId)));
    expect(ids(await allPages(stack, { query: word, filter, sort: 'PRICE_DESC' }))).toEqual(ids([...inRange].sort(byPriceThenId).reverse()));
    expect(ids(await allPages(stack, { query: word, filter, sort: 'NEWEST' }))).toEqual(ids([...inRange].reverse()));
    // Unrated, they tie on rating: the id decides, highest first.
    expect(ids(await allPages(stack, { query: word, filter, sort: 'RATING_DESC' }))).toEqual(ids(inRange).sort().reverse());
    const relevance = await allPages(stack, { query: word, filter, sort: 'RELEVANCE' });
    expect(ids(relevance).sort()).toEqual(ids(inRange).sort());
    // Prices reach the shopper as stored.
    const nodes = await allPages(stack, { query: word, sort: 'PRICE_ASC' }, 3);
    expect(nodes.map((n) => n.price.amount)).toEqual([...prices].sort((a, b) => a - b));
  });

  it('ranks a match in the title above a match in the brand', async () => {
    const word = uniqueWord();
    const category = await createCategory(stack, admin);
    const inBrand = [];
    const inTitle = [];
    for (let i = 0; i < 3; i++) {
      inBrand.push((await createProduct(stack, seller.token, category.id, { title: `Plain mug ${i}`, brand: word })).id);
      inTitle.push((await createProduct(stack, seller.token, category.id, { title: `Mug ${word} ${i}`, brand: 'Potter' })).id);
    }
    const ranked = await allPages(stack, { query: word }, 2);
    expect(ranked.slice(0, 3).map((n) => n.id).sort()).toEqual([...inTitle].sort());
    expect(ranked.slice(3).map((n) => n.id).sort()).toEqual([...inBrand].sort());
  });

  it("finds a seller's new and changed products at once, though the same search was made before", async () => {
    // Signed in: the gateway's response cache (anonymous callers, 1 s) is not in the way, products' search cache is.
    const shopper = await registerCustomer(stack);
    const category = await createCategory(stack, admin);
    const word = uniqueWord();
    const search = async (query: string) => {
      const res = await stack.request(op('Catalog'), { query }, shopper.token);
      expect(res.errors).toBeUndefined();
      return (res.data.products.edges as { node: { id: string; title: string } }[]).map((e) => e.node.title);
    };
    expect(await search(word)).toEqual([]);
    const product = await createProduct(stack, seller.token, category.id, { title: `Lantern ${word}` });
    expect(await search(word)).toEqual([`Lantern ${word}`]);
    const res = await stack.request(op('UpdateProduct'), { id: product.id, input: { title: `Torch ${word}` } }, seller.token);
    expect(res.data.updateProduct.userErrors).toEqual([]);
    expect(await search(word)).toEqual([`Torch ${word}`]);
  });

  it('suggests titles by prefix, and despite a typo', async () => {
    const category = await createCategory(stack, admin);
    const word = uniqueWord();
    const product = await createProduct(stack, seller.token, category.id, { title: `Quillbrook ${word} notebook` });
    const suggest = async (prefix: string) => {
      const res = await stack.request(op('Suggest'), { prefix });
      expect(res.errors).toBeUndefined();
      return (res.data.productSuggestions as { id: string }[]).map((p) => p.id);
    };
    expect(await suggest(`quillbrook ${word.slice(0, 6)}`)).toEqual([product.id]);
    expect(await suggest('Quillbrook')).toContain(product.id);
    expect(await suggest('Quilbrook')).toContain(product.id);
    // One typo in a short prefix: a letter wrong, swapped, missing or extra.
    for (const typo of ['qyill', 'qiull', 'qill', 'quiill']) expect(await suggest(typo)).toContain(product.id);
  });
});
