/** What purchases feed: verified reviews (reviews' copy of confirmed orders) and frequently-bought-together. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { op } from '../scripts/contract';
import type { Stack } from '../scripts/stack';
import { database as reviewsDatabase } from '../subgraphs/reviews/src/db/client';
import { buy, eventually, writeReview } from './discovery-helpers';
import { createProduct, registerCustomer, registerSeller, setStock, startMarketplace } from './helpers';

let stack: Stack;
let categoryId: string;
let warehouseId: string;
let seller: Awaited<ReturnType<typeof registerSeller>>;

beforeAll(async () => {
  ({ stack, categoryId, warehouseId } = await startMarketplace());
  seller = await registerSeller(stack);
}, 60_000);
afterAll(() => stack.stop());

/** A product with one variant and 50 units. */
async function stockedProduct(title: string) {
  const product = await createProduct(stack, seller.token, categoryId, { title, prices: [1500] });
  await setStock(stack, seller.token, product.variants[0]!.id, warehouseId, 50);
  return { id: product.id, variantId: product.variants[0]!.id };
}

const recommended = async (productId: string) => {
  const res = await stack.request(op('ProductPage'), { id: productId });
  expect(res.errors).toBeUndefined();
  return (res.data.product.frequentlyBoughtTogether as { id: string }[]).map((p) => p.id);
};

describe('reviews by buyers', () => {
  it('marks the review of a customer who bought the product verified, and refuses a second one', async () => {
    const product = await stockedProduct('Thermos');
    const buyer = await buy(stack, [product.variantId]);
    // Reviews learns of the purchase from orders' order.confirmed event; wait for that copy.
    const bought = await eventually(
      async () => (await reviewsDatabase.sql`select 1 from reviews.purchases where customer_id = ${buyer.userId} and product_id = ${product.id}`).length,
      (n) => n === 1,
    );
    expect(bought).toBe(1);

    const first = await writeReview(stack, buyer.token, product.id, 5);
    expect(first).toMatchObject({ review: { status: 'PUBLISHED', verifiedPurchase: true, rating: 5 }, userErrors: [] });
    const second = await writeReview(stack, buyer.token, product.id, 1, { title: 'Changed my mind' });
    expect(second).toMatchObject({ review: null, userErrors: [{ code: 'ALREADY_REVIEWED' }] });

    const browser = await registerCustomer(stack);
    const unverified = await writeReview(stack, browser.token, product.id, 4);
    expect(unverified).toMatchObject({ review: { status: 'PUBLISHED', verifiedPurchase: false }, userErrors: [] });

    const page = await stack.request(op('ProductPage'), { id: product.id });
    expect(page.data.product.rating).toMatchObject({ average: 4.5, count: 2 });
    expect(page.data.product.reviews.edges.map((e: { node: { verifiedPurchase: boolean } }) => e.node.verifiedPurchase).sort()).toEqual([false, true]);
  });
});

describe('frequently bought together', () => {
  it('ranks products by the confirmed orders they shared, without the product itself nor inactive ones', async () => {
    const [p, q, r, s] = await Promise.all(['Tent', 'Sleeping bag', 'Stove', 'Lantern'].map((title) => stockedProduct(title)));
    for (let i = 0; i < 3; i++) await buy(stack, [p!.variantId, q!.variantId]);
    await buy(stack, [p!.variantId, r!.variantId]);
    await buy(stack, [q!.variantId, s!.variantId]);

    expect(await recommended(p!.id)).toEqual([q!.id, r!.id]);
    expect(await recommended(q!.id)).toEqual([p!.id, s!.id]);
    expect(await recommended(r!.id)).toEqual([p!.id]);

    const archived = await stack.request(op('UpdateProduct'), { id: r!.id, input: { status: 'ARCHIVED' } }, seller.token);
    expect(archived.data.updateProduct.userErrors).toEqual([]);
    expect(await recommended(p!.id)).toEqual([q!.id]);
  });
});
