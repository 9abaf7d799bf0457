import { callInternal, sqlStatements, startSubgraph, type RunningServer } from '@marketplace/runtime';
import { asAdmin, asApiKey, asSeller, asUser, subgraphRequest } from '@marketplace/runtime/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { products } from '../src/index';

let server: RunningServer;
const admin = asAdmin(randomUUID());
const sellerA = { userId: randomUUID(), sellerId: randomUUID() };
const sellerB = { userId: randomUUID(), sellerId: randomUUID() };
/** The store of the search fixtures, so their counts are not disturbed by other tests' products. */
const sellerC = { userId: randomUUID(), sellerId: randomUUID() };
const asA = asSeller(sellerA.userId, sellerA.sellerId);
const asB = asSeller(sellerB.userId, sellerB.sellerId);
const asC = asSeller(sellerC.userId, sellerC.sellerId);
const tag = randomUUID().slice(0, 8);

const gql = (query: string, variables: Record<string, unknown> = {}, identity?: Parameters<typeof subgraphRequest>[3]) =>
  subgraphRequest(server.url, query, variables, identity);

const CREATE_CATEGORY = `mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { category { id slug parent { id } } userErrors { code field } } }`;
const CREATE = `mutation ($input: CreateProductInput!) { createProduct(input: $input) {
  product { id status price { amount currencyCode } variants { id sku price { amount } } } userErrors { code field } } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { product { id title status } userErrors { code field } } }`;

async function category(parentId?: string) {
  const slug = `c-${tag}-${randomUUID().slice(0, 6)}`;
  const res = await gql(CREATE_CATEGORY, { input: { name: `Category ${slug}`, slug, parentId } }, admin);
  return res.data!.createCategory.category as { id: string };
}

function productInput(categoryId: string, o: Partial<{ title: string; brand: string; description: string; prices: number[]; status: string }> = {}) {
  const sku = randomUUID().slice(0, 12);
  return {
    title: o.title ?? `Widget ${sku}`,
    description: o.description ?? 'Sturdy and simple.',
    brand: o.brand ?? 'Acme',
    categoryId,
    images: ['https://img.test/a.jpg'],
    status: o.status,
    variants: (o.prices ?? [1500]).map((price, i) => ({ sku: `${sku}-${i}`, title: `V${i}`, attributes: [{ name: 'Size', value: String(i) }], price })),
  };
}

async function create(identity: ReturnType<typeof asSeller>, input: ReturnType<typeof productInput>) {
  const res = await gql(CREATE, { input }, identity);
  expect(res.errors).toBeUndefined();
  expect(res.data!.createProduct.userErrors).toEqual([]);
  return res.data!.createProduct.product as { id: string; variants: { id: string; sku: string }[] };
}

beforeAll(async () => {
  server = await startSubgraph(products, { port: 0 });
  process.env.PRODUCTS_URL = server.url;
});
afterAll(() => server.stop());

describe('creating and changing products', () => {
  it('creates a product with variants, priced at its lowest variant', async () => {
    const cat = await category();
    const res = await gql(CREATE, { input: productInput(cat.id, { prices: [2500, 1999, 3000] }) }, asA);
    expect(res.data!.createProduct).toMatchObject({
      product: { status: 'ACTIVE', price: { amount: 1999, currencyCode: 'USD' } },
      userErrors: [],
    });
    expect(res.data!.createProduct.product.variants.map((v: { price: { amount: number } }) => v.price.amount)).toEqual([2500, 1999, 3000]);
  });

  it('reports every invalid field at once and writes nothing', async () => {
    const cat = await category();
    const input = {
      ...productInput(cat.id),
      title: 'x'.repeat(201),
      brand: ' ',
      images: ['ftp://nope'],
      categoryId: randomUUID(),
      variants: [
        { sku: 'S1', title: 'A', price: 0 },
        { sku: 'S1', title: 'B', price: 150 },
        { sku: 'S2', title: 'C', price: -3, currencyCode: 'EURO' },
      ],
    };
    const res = await gql(CREATE, { input }, asA);
    const errors = res.data!.createProduct.userErrors as { code: string; field: string[] }[];
    expect(res.data!.createProduct.product).toBeNull();
    expect(errors).toEqual(
      expect.arrayContaining([
        { code: 'TOO_LONG', field: ['input', 'title'] },
        { code: 'INVALID_INPUT', field: ['input', 'brand'] },
        { code: 'INVALID_INPUT', field: ['input', 'images', '0'] },
        { code: 'NOT_FOUND', field: ['input', 'categoryId'] },
        { code: 'INVALID_PRICE', field: ['input', 'variants', '0', 'price'] },
        { code: 'DUPLICATE_SKU', field: ['input', 'variants', '1', 'sku'] },
        { code: 'INVALID_INPUT', field: ['input', 'variants', '2', 'currencyCode'] },
      ]),
    );
    const none = await gql(`{ products(filter: { categoryId: "${cat.id}" }) { totalCount } }`);
    expect(none.data!.products.totalCount).toBe(0);
    const fractional = await gql(CREATE, { input: { ...productInput(cat.id), variants: [{ sku: 'F', title: 'F', price: 1.5 }] } }, asA);
    expect(fractional.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const noVariants = await gql(CREATE, { input: { ...productInput(cat.id), variants: [] } }, asA);
    expect(noVariants.data!.createProduct.userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'variants'] }]);

    const more = await gql(
      CREATE,
      {
        input: {
          ...productInput(cat.id),
          description: 'd'.repeat(5001),
          images: [`https://img.test/${'a'.repeat(2000)}`, ...Array.from({ length: 10 }, () => 'https://img.test/b.jpg')],
          variants: [
            { sku: 'x'.repeat(65), title: 'A', price: 100, attributes: [{ name: '', value: 'v' }] },
            { sku: 'EU', title: 'B', price: 100, currencyCode: 'EUR' },
            { sku: 'LOW', title: 'C', price: 100, currencyCode: 'usd' },
          ],
        },
      },
      asA,
    );
    expect(more.data!.createProduct.userErrors).toEqual(
      expect.arrayContaining([
        { code: 'TOO_LONG', field: ['input', 'description'] },
        { code: 'TOO_LONG', field: ['input', 'images', '0'] },
        { code: 'INVALID_INPUT', field: ['input', 'images'] },
        { code: 'TOO_LONG', field: ['input', 'variants', '0', 'sku'] },
        { code: 'INVALID_INPUT', field: ['input', 'variants', '0', 'attributes', '0', 'name'] },
        { code: 'INVALID_INPUT', field: ['input', 'variants', '2', 'currencyCode'] },
        { code: 'INVALID_INPUT', field: ['input', 'variants'] },
      ]),
    );
  });

  it('refuses a SKU the store already uses, also when two creations race', async () => {
    const cat = await category();
    const first = await create(asA, productInput(cat.id));
    const again = { ...productInput(cat.id), variants: [{ sku: first.variants[0]!.sku, title: 'Again', price: 100 }] };
    const res = await gql(CREATE, { input: again }, asA);
    expect(res.data!.createProduct.userErrors).toEqual([{ code: 'DUPLICATE_SKU', field: ['input', 'variants', '0', 'sku'] }]);
    // Another store may use the same SKU.
    expect((await gql(CREATE, { input: again }, asB)).data!.createProduct.userErrors).toEqual([]);
    const addTaken = await gql(
      `mutation ($id: ID!, $sku: String!) { addProductVariant(productId: $id, input: { sku: $sku, title: "T", price: 100 }) { product { id } userErrors { code field } } }`,
      { id: first.id, sku: first.variants[0]!.sku },
      asA,
    );
    expect(addTaken.data!.addProductVariant).toEqual({ product: null, userErrors: [{ code: 'DUPLICATE_SKU', field: ['input', 'sku'] }] });

    const sku = `RACE-${randomUUID().slice(0, 8)}`;
    const racing = await Promise.all(
      Array.from({ length: 6 }, () => gql(CREATE, { input: { ...productInput(cat.id), variants: [{ sku, title: 'R', price: 100 }] } }, asA)),
    );
    expect(racing.filter((r) => r.data!.createProduct.product).length).toBe(1);
    expect(racing.filter((r) => r.data!.createProduct.userErrors[0]?.code === 'DUPLICATE_SKU').length).toBe(5);
  });

  it("lets only the product's store change it: other stores FORBIDDEN, keys by scope", async () => {
    const cat = await category();
    const product = await create(asA, productInput(cat.id));
    const other = await gql(UPDATE, { id: product.id, input: { title: 'Mine now' } }, asB);
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const readOnlyKey = await gql(UPDATE, { id: product.id, input: { title: 'Key' } }, asApiKey(randomUUID(), sellerA.sellerId, ['PRODUCTS_READ']));
    expect(readOnlyKey.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const customer = await gql(UPDATE, { id: product.id, input: { title: 'Key' } }, asUser(randomUUID()));
    expect(customer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const writeKey = await gql(UPDATE, { id: product.id, input: { title: 'Renamed by key' } }, asApiKey(randomUUID(), sellerA.sellerId, ['PRODUCTS_WRITE']));
    expect(writeKey.data!.updateProduct.product.title).toBe('Renamed by key');
    const unknown = await gql(UPDATE, { id: randomUUID(), input: { title: 'x' } }, asA);
    expect(unknown.data!.updateProduct.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['id'] }]);
    const malformed = await gql(UPDATE, { id: 'not-an-id', input: { title: 'x' } }, asA);
    expect(malformed.data!.updateProduct.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['id'] }]);
  });

  it('keeps the price equal to the lowest variant through variant changes', async () => {
    const cat = await category();
    const product = await create(asA, productInput(cat.id, { prices: [1000, 2000] }));
    const added = await gql(
      `mutation ($id: ID!) { addProductVariant(productId: $id, input: { sku: "${randomUUID().slice(0, 8)}", title: "Cheap", price: 500 }) { product { price { amount } variants { sku } } userErrors { code } } }`,
      { id: product.id },
      asA,
    );
    expect(added.data!.addProductVariant.product.price.amount).toBe(500);
    expect(added.data!.addProductVariant.product.variants).toHaveLength(3);
    const repriced = await gql(
      `mutation ($id: ID!) { updateProductVariant(id: $id, input: { price: 3000 }) { product { price { amount } } userErrors { code } } }`,
      { id: product.variants[0]!.id },
      asA,
    );
    expect(repriced.data!.updateProductVariant.product.price.amount).toBe(500);
    const bad = await gql(`mutation ($id: ID!) { updateProductVariant(id: $id, input: { price: 0 }) { userErrors { code } } }`, { id: product.variants[0]!.id }, asA);
    expect(bad.data!.updateProductVariant.userErrors).toEqual([{ code: 'INVALID_PRICE' }]);

    // Two variants repriced at once: the price still ends up the true lowest.
    const reprice = `mutation ($id: ID!, $price: Int!) { updateProductVariant(id: $id, input: { price: $price }) { userErrors { code } } }`;
    const variantIds = (await gql(`query ($id: ID!) { product(id: $id) { variants { id } } }`, { id: product.id })).data!.product.variants.map(
      (v: { id: string }) => v.id,
    );
    await Promise.all([
      gql(reprice, { id: variantIds[1], price: 4000 }, asA),
      gql(reprice, { id: variantIds[2], price: 3500 }, asA),
    ]);
    const after = await gql(`query ($id: ID!) { product(id: $id) { price { amount } } }`, { id: product.id });
    expect(after.data!.product.price.amount).toBe(3000);
  });

  it('shows drafts only to their store and operators', async () => {
    const cat = await category();
    const draft = await create(asA, productInput(cat.id, { status: 'DRAFT' }));
    const q = `query ($id: ID!) { product(id: $id) { id status } }`;
    expect((await gql(q, { id: draft.id })).data!.product).toBeNull();
    expect((await gql(q, { id: draft.id }, asB)).data!.product).toBeNull();
    expect((await gql(q, { id: draft.id }, asA)).data!.product).toEqual({ id: draft.id, status: 'DRAFT' });
    expect((await gql(q, { id: draft.id }, admin)).data!.product).toEqual({ id: draft.id, status: 'DRAFT' });
    expect((await gql(`{ products(filter: { categoryId: "${cat.id}" }) { totalCount } }`)).data!.products.totalCount).toBe(0);
    const refs = `query ($p: ID!, $v: ID!) { _entities(representations: [{ __typename: "Product", id: $p }, { __typename: "ProductVariant", id: $v }]) {
      ... on Product { id } ... on ProductVariant { id } } }`;
    expect((await gql(refs, { p: draft.id, v: draft.variants[0]!.id }, asB)).data!._entities).toEqual([null, null]);
    expect((await gql(refs, { p: draft.id, v: draft.variants[0]!.id }, asA)).data!._entities).toEqual([{ id: draft.id }, { id: draft.variants[0]!.id }]);
    const readKey = asApiKey(randomUUID(), sellerA.sellerId, ['PRODUCTS_READ']);
    expect((await gql(q, { id: draft.id }, readKey)).data!.product).toEqual({ id: draft.id, status: 'DRAFT' });
    const inventoryKey = asApiKey(randomUUID(), sellerA.sellerId, ['INVENTORY_READ']);
    expect((await gql(q, { id: draft.id }, inventoryKey)).data!.product).toBeNull();

    // Publishing lists it; archiving withdraws it again.
    const listed = async () => (await gql(`{ products(filter: { categoryId: "${cat.id}" }) { totalCount } }`)).data!.products.totalCount;
    await gql(UPDATE, { id: draft.id, input: { status: 'ACTIVE' } }, asA);
    expect(await listed()).toBe(1);
    await gql(UPDATE, { id: draft.id, input: { status: 'ARCHIVED' } }, asA);
    expect(await listed()).toBe(0);
    // Still viewable by id, so past orders that point at it keep showing it.
    expect((await gql(q, { id: draft.id })).data!.product).toEqual({ id: draft.id, status: 'ARCHIVED' });
    // And it cannot hide as a draft again, from the ACTIVE or the ARCHIVED state.
    for (const status of ['ARCHIVED', 'ACTIVE']) {
      await gql(UPDATE, { id: draft.id, input: { status } }, asA);
      const back = await gql(UPDATE, { id: draft.id, input: { status: 'DRAFT', title: 'Hidden' } }, asA);
      expect(back.data!.updateProduct).toEqual({ product: null, userErrors: [{ code: 'INVALID_STATE', field: ['input', 'status'] }] });
    }
    await gql(UPDATE, { id: draft.id, input: { status: 'ARCHIVED' } }, asA);
    expect((await gql(q, { id: draft.id })).data!.product).toEqual({ id: draft.id, status: 'ARCHIVED' });
    expect((await gql(refs, { p: draft.id, v: draft.variants[0]!.id }, asB)).data!._entities).toEqual([{ id: draft.id }, { id: draft.variants[0]!.id }]);

    const seller = `query ($id: ID!) { _entities(representations: [{ __typename: "Seller", id: $id }]) { ... on Seller { productCount products { totalCount } } } }`;
    expect((await gql(seller, { id: sellerB.sellerId }, asB)).data!._entities[0].productCount).toBeGreaterThanOrEqual(0);
    const own = await gql(seller, { id: sellerA.sellerId }, asA);
    const public_ = await gql(seller, { id: sellerA.sellerId });
    expect(own.data!._entities[0].productCount).toBe(public_.data!._entities[0].productCount + 1);
  });
});

describe('categories', () => {
  it('answers the tree, breadcrumbs and "including descendants"', async () => {
    const root = await category();
    const mid = await category(root.id);
    const leaf = await category(mid.id);
    await create(asA, productInput(leaf.id));
    await create(asA, productInput(mid.id));
    const res = await gql(`query ($id: ID!) { category(id: $id) { ancestors { id } parent { id } children { id } } }`, { id: leaf.id });
    expect(res.data!.category).toEqual({ ancestors: [{ id: root.id }, { id: mid.id }], parent: { id: mid.id }, children: [] });
    const rootChildren = await gql(`query ($id: ID!) { category(id: $id) { children { id } ancestors { id } } }`, { id: root.id });
    expect(rootChildren.data!.category).toEqual({ children: [{ id: mid.id }], ancestors: [] });
    const below = await gql(`query ($id: ID!) { products(filter: { categoryId: $id }) { totalCount } }`, { id: root.id });
    expect(below.data!.products.totalCount).toBe(2);
    const dup = await gql(CREATE_CATEGORY, { input: { name: 'Dup', slug: `c-${tag}-dup` } }, admin);
    expect(dup.data!.createCategory.userErrors).toEqual([]);
    const again = await gql(CREATE_CATEGORY, { input: { name: 'Dup', slug: `c-${tag}-dup` } }, admin);
    expect(again.data!.createCategory.userErrors).toEqual([{ code: 'DUPLICATE', field: ['input', 'slug'] }]);
    const badSlug = await gql(CREATE_CATEGORY, { input: { name: 'Bad', slug: 'Not A Slug' } }, admin);
    expect(badSlug.data!.createCategory.userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'slug'] }]);
    const orphan = await gql(CREATE_CATEGORY, { input: { name: 'Orphan', slug: `c-${tag}-o`, parentId: randomUUID() } }, admin);
    expect(orphan.data!.createCategory.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'parentId'] }]);
    const long = await gql(CREATE_CATEGORY, { input: { name: 'n'.repeat(101), slug: 'a'.repeat(101), parentId: 'junk' } }, admin);
    expect(long.data!.createCategory.userErrors).toEqual([
      { code: 'TOO_LONG', field: ['input', 'name'] },
      { code: 'TOO_LONG', field: ['input', 'slug'] },
      { code: 'NOT_FOUND', field: ['input', 'parentId'] },
    ]);
    const bySlug = await gql(`query ($slug: String!) { category(slug: $slug) { id } }`, { slug: `c-${tag}-dup` });
    expect(bySlug.data!.category).toEqual({ id: dup.data!.createCategory.category.id });
    const bySeller = await gql(CREATE_CATEGORY, { input: { name: 'X', slug: `c-${tag}-x` } }, asA);
    expect(bySeller.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('search', () => {
  let cat: { id: string };
  let sibling: { id: string };
  beforeAll(async () => {
    const root = await category();
    cat = await category(root.id);
    sibling = await category(root.id);
    const words = ['lantern', 'kettle', 'blanket', 'compass', 'thermos'];
    const inputs = Array.from({ length: 25 }, (_, i) =>
      productInput(cat.id, { title: `Camp ${words[i % 5]} ${i}`, brand: i % 3 ? 'Basecamp' : 'Summit', prices: [700 + i * 500] }),
    );
    // "lantern" only in the description of this one: it must rank below title matches.
    inputs.push(productInput(cat.id, { title: 'Camp stove', description: 'Pairs well with a lantern.', brand: 'Ember', prices: [999] }));
    inputs.push(productInput(sibling.id, { title: 'Summit tent', brand: 'Summit', prices: [60_000] }));
    inputs.push(productInput(sibling.id, { title: 'Summit tarp', brand: 'Summit', prices: [30_000] }));
    for (const input of inputs) await create(asC, input);
  }, 60_000);

  const PAGE = `query ($q: String, $f: ProductFilter, $s: ProductSort, $first: Int, $after: String) {
    products(query: $q, filter: $f, sort: $s, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { id title price { amount } } } } }`;

  async function all(variables: Record<string, unknown>, pageSizeValue = 4) {
    const seen: { id: string; title: string; price: { amount: number } }[] = [];
    let after: string | null = null;
    for (;;) {
      const res = await gql(PAGE, { ...variables, first: pageSizeValue, after });
      expect(res.errors).toBeUndefined();
      seen.push(...res.data!.products.edges.map((e: { node: (typeof seen)[number] }) => e.node));
      if (!res.data!.products.pageInfo.hasNextPage) return seen;
      after = res.data!.products.pageInfo.endCursor;
    }
  }

  it.each(['NEWEST', 'PRICE_ASC', 'PRICE_DESC', 'RELEVANCE'])('pages through %s without gaps or repeats', async (sort) => {
    // "camp" is in every title, so RELEVANCE has many equal ranks: the id tie-break keeps pages apart.
    const q = sort === 'RELEVANCE' ? 'camp' : undefined;
    const paged = await all({ q, f: { categoryId: cat.id }, s: sort });
    const whole = await all({ q, f: { categoryId: cat.id }, s: sort }, 100);
    expect(paged.map((p) => p.id)).toEqual(whole.map((p) => p.id));
    expect(new Set(paged.map((p) => p.id)).size).toBe(26);
    const prices = paged.map((p) => p.price.amount);
    if (sort === 'PRICE_ASC') expect(prices).toEqual([...prices].sort((a, b) => a - b));
    if (sort === 'PRICE_DESC') expect(prices).toEqual([...prices].sort((a, b) => b - a));
  });

  it('finds by a word and ranks title matches above description matches', async () => {
    const found = await all({ q: 'lantern', f: { categoryId: cat.id } }, 2);
    expect(found).toHaveLength(6);
    expect(found.at(-1)!.title).toBe('Camp stove');
    const price = await all({ f: { categoryId: cat.id, priceMin: 2000, priceMax: 5000 } });
    expect(price.every((p) => p.price.amount >= 2000 && p.price.amount <= 5000)).toBe(true);
    expect(price.map((p) => p.price.amount).sort((a, b) => a - b)).toEqual([2200, 2700, 3200, 3700, 4200, 4700]);
  });

  it('counts facets over the whole result, each facet ignoring its own filter', async () => {
    const FACETS = `query ($f: ProductFilter) { products(filter: $f, first: 1) { totalCount facets {
      brands { value label count } categories { value count } priceRanges { min max count } } } }`;
    const sum = (values: { count: number }[]) => values.reduce((s, v) => s + v.count, 0);

    const byBrand = (await gql(FACETS, { f: { sellerId: sellerC.sellerId, categoryId: cat.id, brands: ['Summit'] } })).data!.products;
    expect(byBrand.totalCount).toBe(9);
    // Brands ignore the brand filter: every brand of the category is offered.
    expect(byBrand.facets.brands).toEqual([
      { value: 'Basecamp', label: 'Basecamp', count: 16 },
      { value: 'Summit', label: 'Summit', count: 9 },
      { value: 'Ember', label: 'Ember', count: 1 },
    ]);
    // Categories ignore the category filter: Summit products of the sibling category are offered.
    expect(byBrand.facets.categories).toEqual([
      { value: cat.id, count: 9 },
      { value: sibling.id, count: 2 },
    ]);
    // Price ranges keep the other filters: they add up to the result.
    expect(sum(byBrand.facets.priceRanges)).toBe(9);

    const byPrice = (await gql(FACETS, { f: { sellerId: sellerC.sellerId, categoryId: cat.id, priceMin: 2000, priceMax: 5000 } })).data!.products;
    expect(byPrice.totalCount).toBe(6);
    expect(sum(byPrice.facets.brands)).toBe(6);
    expect(sum(byPrice.facets.categories)).toBe(6);
    // Price ranges ignore the price filter: the whole category's prices are spread over them.
    expect(byPrice.facets.priceRanges).toEqual([
      { min: 0, max: 2500, count: 5 },
      { min: 2500, max: 5000, count: 5 },
      { min: 5000, max: 10_000, count: 10 },
      { min: 10_000, max: 25_000, count: 6 },
    ]);
  });

  it('refuses malformed arguments', async () => {
    expect((await gql(`{ products(first: 101) { totalCount } }`)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await gql(`{ products(after: "garbage") { totalCount } }`)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const forged = Buffer.from(JSON.stringify(['NEWEST', 'not a time', randomUUID()])).toString('base64url');
    expect((await gql(`{ products(after: "${forged}") { totalCount } }`)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await gql(`{ products(filter: { minRating: 6 }) { totalCount } }`)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const priceCursor = Buffer.from(JSON.stringify(['PRICE_ASC', 100, randomUUID()])).toString('base64url');
    expect((await gql(`{ products(sort: RATING_DESC, after: "${priceCursor}") { totalCount } }`)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await gql(`{ productSuggestions(prefix: "  ") { id } }`)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('suggests by prefix first, then tolerates a typo', async () => {
    const q = `query ($p: String!) { productSuggestions(prefix: $p, first: 5) { title } }`;
    const prefix = await gql(q, { p: 'camp kett' });
    expect(prefix.data!.productSuggestions.length).toBeGreaterThan(0);
    expect(prefix.data!.productSuggestions.every((p: { title: string }) => p.title.toLowerCase().startsWith('camp kett'))).toBe(true);
    const typo = await gql(q, { p: 'thermso' });
    expect(typo.data!.productSuggestions.some((p: { title: string }) => p.title.includes('thermos'))).toBe(true);
  });
});

describe('batching and internal operations', () => {
  it('answers 5 and 50 entity references with the same number of SQL statements', async () => {
    const cat = await category();
    const ids: { product: string; variant: string }[] = [];
    for (let i = 0; i < 50; i++) {
      const p = await create(asA, productInput(cat.id, { prices: [100 + i, 200 + i] }));
      ids.push({ product: p.id, variant: p.variants[0]!.id });
    }
    const q = `query ($reps: [_Any!]!) { _entities(representations: $reps) {
      ... on Product { title price { amount } category { name ancestors { id } } variants { sku price { amount } } seller { id } }
      ... on ProductVariant { sku product { title } } } }`;
    const cost = async (n: number) => {
      const reps = ids.slice(0, n).flatMap((i) => [
        { __typename: 'Product', id: i.product },
        { __typename: 'ProductVariant', id: i.variant },
      ]);
      const before = sqlStatements.count;
      const res = await gql(q, { reps });
      expect(res.data!._entities).toHaveLength(2 * n);
      return sqlStatements.count - before;
    };
    expect(await cost(50)).toBe(await cost(5));
    const page = async (n: number) => {
      const before = sqlStatements.count;
      const res = await gql(
        `query ($c: ID!, $n: Int) { products(filter: { categoryId: $c }, first: $n) {
          totalCount edges { node { title price { amount } category { name } variants { sku price { amount } } seller { id } } } } }`,
        { c: cat.id, n },
      );
      expect(res.data!.products.edges).toHaveLength(n);
      return sqlStatements.count - before;
    };
    expect(await page(50)).toBe(await page(5));
  });

  it('serves variant and product summaries to other subgraphs', async () => {
    const cat = await category();
    const p = await create(asA, productInput(cat.id, { title: 'Summary me', prices: [1234] }));
    const variants = await callInternal('products', 'variantsByIds', { ids: [p.variants[0]!.id, randomUUID(), 'junk'] });
    expect(variants).toEqual([
      expect.objectContaining({ id: p.variants[0]!.id, productId: p.id, sellerId: sellerA.sellerId, productTitle: 'Summary me', price: 1234, currencyCode: 'USD', productStatus: 'ACTIVE' }),
    ]);
    expect(await callInternal('products', 'productsByIds', { ids: [p.id] })).toEqual([
      { id: p.id, sellerId: sellerA.sellerId, title: 'Summary me', status: 'ACTIVE' },
    ]);
  });

  it('treats made-up identity headers as anonymous', async () => {
    const res = await subgraphRequest(server.url, CREATE_CATEGORY, { input: { name: 'F', slug: `f-${tag}` } }, undefined, {
      'x-user-id': randomUUID(),
      'x-roles': 'ADMIN',
    });
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
