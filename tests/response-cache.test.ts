/**
 * The gateway's response cache: shoppers' searches (anonymous or signed in) are served from it
 * until the catalog changes (the catalog version) or their cache hints expire; store staff and
 * anything with uncacheable fields never are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { op } from '../scripts/contract';
import type { Stack } from '../scripts/stack';
import { createProduct, registerCustomer, registerSeller, setStock, startMarketplace } from './helpers';

let stack: Stack;
let product: { id: string; variants: { id: string }[] };
let title: string;
let seller: { token: string };
let categoryId: string;
let warehouseId: string;

beforeAll(async () => {
  ({ stack, categoryId, warehouseId } = await startMarketplace());
  seller = await registerSeller(stack);
  title = `Cachetest ${Date.now()}`;
  product = await createProduct(stack, seller.token, categoryId, { title });
  await setStock(stack, seller.token, product.variants[0]!.id, warehouseId, 3);
}, 60_000);
afterAll(() => stack.stop());

/** Sends an operation and says whether the answer came from the response cache (`age` header). */
async function send(operation: string, variables: Record<string, unknown>, token?: string) {
  const res = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: op(operation), variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  return { body, cached: res.headers.has('age'), cacheControl: res.headers.get('cache-control') };
}

/**
 * Sends the search until it comes from the cache: a change still settling (a projection's version
 * bump after the setup's stock) may start a new version between the first two sends.
 */
async function untilCached(operation: string, variables: Record<string, unknown>) {
  await expect.poll(async () => (await send(operation, variables)).cached, { timeout: 5000, interval: 50 }).toBe(true);
}

describe('the response cache', () => {
  it('serves an anonymous search again from the cache, and fresh once a new product matches it', async () => {
    const variables = { query: title, first: 5 };
    const first = await send('Catalog', variables);
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.products.totalCount).toBe(1);
    expect(first.cached).toBe(false);
    // Only the gateway knows when the catalog changes: nothing downstream is told to keep answers.
    expect(first.cacheControl).toBeNull();
    await untilCached('Catalog', variables);

    await createProduct(stack, seller.token, categoryId, { title: `${title} second` });
    const afterCreate = await send('Catalog', variables);
    expect(afterCreate.cached).toBe(false);
    expect(afterCreate.body.data.products.totalCount).toBe(2);
  });

  it("shows a seller's edit at once", async () => {
    const variables = { query: title, first: 5, sort: 'PRICE_ASC' };
    await untilCached('Catalog', variables);
    const res = await stack.request(op('UpdateProduct'), { id: product.id, input: { title: `${title} renamed` } }, seller.token);
    expect(res.errors).toBeUndefined();
    const after = await send('Catalog', variables);
    expect(after.cached).toBe(false);
    expect(after.body.data.products.edges.map((e: any) => e.node.title)).toContain(`${title} renamed`);
  });

  it('drops a product that sold out from in-stock results within 2 s', async () => {
    const variables = { query: title, first: 5, filter: { inStock: true } };
    const before = await send('Catalog', variables);
    expect(before.body.data.products.edges.map((e: any) => e.node.id)).toContain(product.id);
    await untilCached('Catalog', variables);
    await setStock(stack, seller.token, product.variants[0]!.id, warehouseId, 0);
    await expect
      .poll(async () => (await send('Catalog', variables)).body.data.products.edges.map((e: any) => e.node.id), { timeout: 2000, interval: 100 })
      .not.toContain(product.id);
  });

  it("serves signed-in shoppers the public catalog's cached answers, shared with anonymous shoppers", async () => {
    const shopper = await registerCustomer(stack);
    const variables = { query: title, first: 6 };
    await untilCached('Catalog', variables);
    const signedIn = await send('Catalog', variables, shopper.token);
    expect(signedIn.cached).toBe(true);
    // The same answer (its cost extension is each client's own bucket).
    expect(signedIn.body.data).toEqual((await send('Catalog', variables)).body.data);
  });

  it("never serves store staff from it, whose view includes their stores' drafts", async () => {
    const variables = { query: title, first: 7 };
    await untilCached('Catalog', variables);
    expect((await send('Catalog', variables, seller.token)).cached).toBe(false);
    expect((await send('Catalog', variables, seller.token)).cached).toBe(false);
  });

  it('does not cache answers with fields that give no hint (stock on a product page)', async () => {
    await send('ProductPage', { id: product.id });
    expect((await send('ProductPage', { id: product.id })).cached).toBe(false);
  });
});
