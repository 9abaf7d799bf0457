/**
 * The gateway's response cache: anonymous shoppers' searches are served from it for at most a
 * second (the subgraphs' cache hints); signed-in callers and anything with uncacheable fields never are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { op } from '../scripts/contract';
import { startStack, type Stack } from '../scripts/stack';
import { createCategory, createProduct, createWarehouse, operatorToken, registerCustomer, registerSeller, setStock } from './helpers';

let stack: Stack;
let product: { id: string; variants: { id: string }[] };
let title: string;

beforeAll(async () => {
  stack = await startStack();
  const admin = await operatorToken(stack);
  const categoryId = (await createCategory(stack, admin)).id;
  const warehouseId = (await createWarehouse(stack, admin)).id;
  const seller = await registerSeller(stack);
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

describe('the response cache', () => {
  it('serves an anonymous search again from the cache, and fresh again after a second', async () => {
    const variables = { query: title, first: 5 };
    const first = await send('Catalog', variables);
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.products.totalCount).toBe(1);
    expect(first.cached).toBe(false);
    expect((await send('Catalog', variables)).cached).toBe(true);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await send('Catalog', variables)).cached).toBe(false);
  });

  it('never serves signed-in callers from it', async () => {
    const shopper = await registerCustomer(stack);
    const variables = { query: title, first: 6 };
    await send('Catalog', variables, shopper.token);
    expect((await send('Catalog', variables, shopper.token)).cached).toBe(false);
  });

  it('does not cache answers with fields that give no hint (stock on a product page)', async () => {
    await send('ProductPage', { id: product.id });
    expect((await send('ProductPage', { id: product.id })).cached).toBe(false);
  });
});
