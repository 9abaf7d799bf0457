import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { op } from '../scripts/contract';
import { startStack, type Stack } from '../scripts/stack';
import { createCategory, createProduct, createWarehouse, operatorToken, registerSeller, setStock } from './helpers';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

describe('a seller opens a store and lists a product', () => {
  it('register → becomeSeller → createProduct (2 variants) → setStock in two warehouses → ProductPage', async () => {
    const admin = await operatorToken(stack);
    const parent = await createCategory(stack, admin);
    const category = await createCategory(stack, admin, parent.id);
    const east = await createWarehouse(stack, admin, 'NJ');
    const west = await createWarehouse(stack, admin, 'NV');

    const seller = await registerSeller(stack, `Journey Store ${Date.now()}`);
    const product = await createProduct(stack, seller.token, category.id, { prices: [2500, 1999] });
    expect(product.variants).toHaveLength(2);
    const [large, small] = product.variants;

    await setStock(stack, seller.token, large!.id, east.id, 7);
    const afterWest = await setStock(stack, seller.token, large!.id, west.id, 5);
    expect(afterWest).toMatchObject({ variantId: large!.id, available: 12, inStock: true });
    await setStock(stack, seller.token, small!.id, east.id, 0);

    // An anonymous shopper opens the product page through the one graph.
    const page = await stack.request(op('ProductPage'), { id: product.id });
    expect(page.errors).toBeUndefined();
    const p = page.data.product;
    expect(p).toMatchObject({
      id: product.id,
      status: 'ACTIVE',
      price: { amount: 1999, currencyCode: 'USD' },
      category: { id: category.id, ancestors: [{ id: parent.id }] },
      seller: { id: seller.sellerId, storeName: seller.storeName },
      inStock: true,
      rating: { average: null, count: 0 },
      reviews: { totalCount: 0, edges: [] },
      frequentlyBoughtTogether: [],
    });
    expect(p.variants).toEqual([
      expect.objectContaining({ id: large!.id, price: { amount: 2500, currencyCode: 'USD' }, stock: { available: 12, inStock: true } }),
      expect.objectContaining({ id: small!.id, price: { amount: 1999, currencyCode: 'USD' }, stock: { available: 0, inStock: false } }),
    ]);
    expect(p.rating.distribution.map((b: { stars: number }) => b.stars)).toEqual([5, 4, 3, 2, 1]);

    // The store's dashboard shows the product and, with a threshold of 5, the empty variant.
    const dashboard = await stack.request(op('SellerDashboard'), {}, seller.token);
    expect(dashboard.errors).toBeUndefined();
    expect(dashboard.data.mySeller).toMatchObject({
      id: seller.sellerId,
      storeName: seller.storeName,
      productCount: 1,
      products: { totalCount: 1, edges: [{ node: { id: product.id, status: 'ACTIVE', inStock: true } }] },
    });
    expect(dashboard.data.mySeller.lowStock.map((s: { variantId: string }) => s.variantId)).toEqual([small!.id]);
  });
});
