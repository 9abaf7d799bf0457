import { createRedis, startSubgraph, streamKey, type RunningServer } from '@marketplace/runtime';
import { asAdmin, asSeller, asUser, subgraphRequest } from '@marketplace/runtime/testing';
import { and, eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { products } from '../../products/src/index';
import { db } from '../src/db/client';
import { purchases } from '../src/db/schema';
import { reviews } from '../src/index';

let catalog: RunningServer;
let server: RunningServer;
let productId: string;
const seller = asSeller(randomUUID(), randomUUID());

beforeAll(async () => {
  catalog = await startSubgraph(products, { port: 0 });
  process.env.PRODUCTS_URL = catalog.url;
  server = await startSubgraph(reviews, { port: 0 });
  const category = await subgraphRequest(
    catalog.url,
    `mutation ($s: String!) { createCategory(input: { name: "Reviewed", slug: $s }) { category { id } } }`,
    { s: `reviewed-${randomUUID().slice(0, 8)}` },
    asAdmin(randomUUID()),
  );
  const created = await subgraphRequest(
    catalog.url,
    `mutation ($c: ID!, $sku: String!) { createProduct(input: { title: "Kettle", description: "", brand: "Boil", categoryId: $c,
      variants: [{ sku: $sku, title: "Steel", price: 3900 }] }) { product { id } } }`,
    { c: category.data!.createCategory.category.id, sku: randomUUID().slice(0, 10) },
    seller,
  );
  productId = created.data!.createProduct.product.id;
});
afterAll(async () => {
  await server.stop();
  await catalog.stop();
});

const WRITE = `mutation ($input: WriteReviewInput!) { writeReview(input: $input) { review { id rating status verifiedPurchase } userErrors { code field } } }`;
const write = (author: string, input: Record<string, unknown>) =>
  subgraphRequest(server.url, WRITE, { input: { productId, rating: 4, title: 'Solid kettle', body: 'Boils fast and pours cleanly.', ...input } }, asUser(author));
const rating = async () =>
  (await subgraphRequest(server.url, `query ($id: ID!) { _entities(representations: [{ __typename: "Product", id: $id }]) { ... on Product { rating { count } } } }`, { id: productId })).data!._entities[0].rating.count as number;

describe('writing a review', () => {
  it('publishes a clean review at once, once per customer per product', async () => {
    const author = randomUUID();
    const before = await rating();
    const first = await write(author, {});
    expect(first.data!.writeReview).toMatchObject({ review: { rating: 4, status: 'PUBLISHED', verifiedPurchase: false }, userErrors: [] });
    expect(await rating()).toBe(before + 1);
    const again = await write(author, { title: 'Changed my mind' });
    expect(again.data!.writeReview).toEqual({ review: null, userErrors: [{ code: 'ALREADY_REVIEWED', field: ['input', 'productId'] }] });
    const racing = await Promise.all(Array.from({ length: 5 }, () => write(author, {})));
    expect(racing.every((r) => r.data!.writeReview.userErrors[0]?.code === 'ALREADY_REVIEWED')).toBe(true);
  });

  it.each([
    ['a link', { body: 'Cheaper at www.kettles-cheap.example and https://spam.test/x' }],
    ['shouting', { title: 'WORST KETTLE EVER', body: 'IT LEAKS AND BURNS EVERYTHING I OWN' }],
    ['profanity', { body: 'This shit kettle leaks.' }],
    ['repetition', { body: 'great great great great kettle' }],
  ])('holds a review with %s for moderation, uncounted until approved', async (_case, input) => {
    const before = await rating();
    const res = await write(randomUUID(), input);
    expect(res.data!.writeReview.review.status).toBe('PENDING_MODERATION');
    expect(await rating()).toBe(before);
    const approved = await subgraphRequest(
      server.url,
      `mutation ($id: ID!) { moderateReview(reviewId: $id, decision: APPROVE) { review { status } } }`,
      { id: res.data!.writeReview.review.id },
      asAdmin(randomUUID()),
    );
    expect(approved.data!.moderateReview.review.status).toBe('PUBLISHED');
    expect(await rating()).toBe(before + 1);
  });

  it('refuses bad ratings, empty or oversized text, unknown products; nothing is written', async () => {
    const author = randomUUID();
    expect((await write(author, { rating: 6 })).data!.writeReview.userErrors).toEqual([{ code: 'INVALID_RATING', field: ['input', 'rating'] }]);
    expect((await write(author, { title: ' ' })).data!.writeReview.userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'title'] }]);
    expect((await write(author, { body: 'x'.repeat(5001) })).data!.writeReview.userErrors).toEqual([{ code: 'TOO_LONG', field: ['input', 'body'] }]);
    expect((await write(author, { productId: randomUUID() })).data!.writeReview.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'productId'] }]);
    // None of those counted as the author's one review.
    expect((await write(author, {})).data!.writeReview.userErrors).toEqual([]);
  });

  it("marks a buyer's review verified, from the orders' purchase events", async () => {
    const buyer = randomUUID();
    const orderId = randomUUID();
    // As orders' outbox relay publishes it.
    const redis = createRedis();
    const payload = JSON.stringify({ orderId, customerId: buyer, lines: [{ productId, sellerId: randomUUID(), quantity: 1 }] });
    for (let i = 0; i < 2; i++) {
      // Published twice: the projection must not mind redelivery.
      await redis.xadd(streamKey('order.confirmed'), '*', 'id', `orders:test-${orderId}`, 'source', 'orders', 'key', orderId, 'payload', payload, 'occurredAt', new Date().toISOString());
    }
    redis.disconnect();
    const bought = () => db.select().from(purchases).where(and(eq(purchases.customerId, buyer), eq(purchases.productId, productId)));
    for (let i = 0; i < 50 && (await bought()).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await bought()).toHaveLength(1);
    const res = await write(buyer, {});
    expect(res.data!.writeReview.review).toMatchObject({ status: 'PUBLISHED', verifiedPurchase: true });
  });
});
