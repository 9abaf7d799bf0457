import { sqlStatements } from '@marketplace/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { op } from '../scripts/contract';
import { startStack, type Stack } from '../scripts/stack';
import { createCategory, createProduct, createWarehouse, operatorToken, registerSeller, setStock } from './helpers';

let stack: Stack;
let categoryId: string;
let sellerToken: string;

beforeAll(async () => {
  stack = await startStack();
  const admin = await operatorToken(stack);
  categoryId = (await createCategory(stack, admin)).id;
  const warehouse = await createWarehouse(stack, admin);
  const seller = await registerSeller(stack);
  sellerToken = seller.token;
  for (let i = 0; i < 60; i++) {
    const product = await createProduct(stack, sellerToken, categoryId, { brand: i % 2 ? 'Stride' : 'Trailfox', prices: [1000 + i, 2000 + i] });
    if (i % 3 === 0) await setStock(stack, sellerToken, product.variants[0]!.id, warehouse.id, 3);
  }
}, 120_000);
afterAll(() => stack.stop());

/** SQL statements sent by all the subgraphs (they share this process) while answering one request. */
async function statementsFor(query: string, variables: Record<string, unknown>, token?: string) {
  const before = sqlStatements.count;
  const res = await stack.request(query, variables, token);
  expect(res.errors).toBeUndefined();
  return { statements: sqlStatements.count - before, data: res.data };
}

describe('SQL statements per request do not grow with the items returned', () => {
  it('Catalog page of 5 and of 50 products cost the same', async () => {
    // Warms the pools with another page size: the same request again would be answered by the
    // gateway's response cache without any SQL.
    await statementsFor(op('Catalog'), { filter: { categoryId }, first: 4 });
    const small = await statementsFor(op('Catalog'), { filter: { categoryId }, first: 5 });
    const large = await statementsFor(op('Catalog'), { filter: { categoryId }, first: 50 });
    expect(small.data.products.edges).toHaveLength(5);
    expect(large.data.products.edges).toHaveLength(50);
    expect(large.data.products.totalCount).toBe(60);
    expect(large.statements).toBe(small.statements);
  });

  it("a seller's dashboard with 5 and with 50 products costs the same", async () => {
    const query = `query ($first: Int) { mySeller { products(first: $first) { edges { node { id title status inStock price { amount }
      category { name } variants { sku stock { available onHand } } rating { average } } } } } }`;
    // Warms the pools with another page size: the same list again would come from products' search cache.
    await statementsFor(query, { first: 4 }, sellerToken);
    const small = await statementsFor(query, { first: 5 }, sellerToken);
    const large = await statementsFor(query, { first: 50 }, sellerToken);
    expect(large.data.mySeller.products.edges).toHaveLength(50);
    expect(large.statements).toBe(small.statements);
  });
});
