/**
 * A dead, frozen or restarting subgraph degrades the answers that need it and nothing else. The
 * reviews subgraph runs as a process of its own (killed, frozen with SIGSTOP, restarted); the rest
 * of the graph runs in this process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { op } from '../scripts/contract';
import { freePort, startStack, startSubgraphProcess, type ServiceProcess, type Stack } from '../scripts/stack';
import { createCategory, createProduct, createWarehouse, operatorToken, registerSeller, setStock } from './helpers';

// Short enough to keep the test quick; the production default is 2 s.
const DEADLINE_MS = 1500;
process.env.SUBGRAPH_QUERY_TIMEOUT_MS = String(DEADLINE_MS);
process.env.BREAKER_RESET_MS = '1000';

let stack: Stack;
let reviews: ServiceProcess;
let reviewsPort: number;
let productId: string;

beforeAll(async () => {
  reviewsPort = await freePort();
  stack = await startStack({ external: { reviews: `http://127.0.0.1:${reviewsPort}` } });
  reviews = await startSubgraphProcess('reviews', { port: reviewsPort });
  const admin = await operatorToken(stack);
  const category = await createCategory(stack, admin);
  const warehouse = await createWarehouse(stack, admin);
  const seller = await registerSeller(stack);
  const product = await createProduct(stack, seller.token, category.id, { title: 'Lantern', prices: [4200, 3900] });
  productId = product.id;
  await setStock(stack, seller.token, product.variants[0]!.id, warehouse.id, 7);
}, 120_000);
afterAll(async () => {
  if (reviews.child.exitCode === null) reviews.child.kill('SIGCONT');
  await reviews.stop();
  await stack.stop();
});

const productPage = () => stack.request(op('ProductPage'), { id: productId });

/** What the other subgraphs still give: title, price, variants with their stock, the store. */
function expectOwnPartsWhole(product: any) {
  expect(product).toMatchObject({ id: productId, title: 'Lantern', price: { amount: 3900, currencyCode: 'USD' }, inStock: true });
  expect(product.variants).toHaveLength(2);
  expect(product.variants.map((v: any) => v.stock.available).sort()).toEqual([0, 7]);
  expect(product.seller.storeName).toMatch(/^Store /);
}

function expectReviewsMissing(res: Awaited<ReturnType<typeof productPage>>) {
  expectOwnPartsWhole(res.data.product);
  expect(res.data.product.rating).toBeNull();
  expect(res.data.product.reviews).toBeNull();
  const errors = res.errors ?? [];
  expect(errors.length).toBeGreaterThan(0);
  for (const error of errors) {
    expect(error.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE' });
    // Nothing of the failure's internals: no address, port, stack or service.
    expect(Object.keys(error).sort()).toEqual(['extensions', 'message', 'path']);
    expect(error.message).not.toMatch(/127\.0\.0\.1|localhost|:\d{4,5}|ECONN|stack|reviews/i);
  }
  expect(errors.map((e) => e.path)).toEqual(expect.arrayContaining([['product', 'rating'], ['product', 'reviews']]));
}

async function untilWhole(limitMs: number) {
  const started = Date.now();
  for (;;) {
    const res = await productPage();
    if (!res.errors && res.data.product.rating) return Date.now() - started;
    if (Date.now() - started > limitMs) throw new Error(`ProductPage still partial after ${limitMs} ms: ${JSON.stringify(res.errors)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a subgraph down', () => {
  it('answers the whole product page while every subgraph is up', async () => {
    const res = await productPage();
    expect(res.errors).toBeUndefined();
    expectOwnPartsWhole(res.data.product);
    expect(res.data.product.rating).toEqual({ average: null, count: 0, distribution: expect.any(Array) });
  });

  it('killed: the page keeps what the others give, the missing fields null with SERVICE_UNAVAILABLE; whole again within 5 s of the restart', async () => {
    reviews.child.kill('SIGKILL');
    await reviews.exited;
    // Enough failures to open the circuit, then fetches fail at once: every answer is partial.
    for (let i = 0; i < 8; i++) expectReviewsMissing(await productPage());

    reviews = await startSubgraphProcess('reviews', { port: reviewsPort });
    expect(await untilWhole(5000)).toBeLessThan(5000);
  });

  it('frozen (SIGSTOP): the page answers partially within the deadline, and queries without it are unaffected', async () => {
    reviews.child.kill('SIGSTOP');
    try {
      const started = Date.now();
      const res = await productPage();
      // Generous bound: the point is that it does not hang (before, it got no answer in 60 s).
      expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 8000);
      expectReviewsMissing(res);

      const withoutReviews = await stack.request(
        `query ($id: ID!) { product(id: $id) { title variants { stock { available } } } categories { id } }`,
        { id: productId },
      );
      expect(withoutReviews.errors).toBeUndefined();
      expect(withoutReviews.data.product.title).toBe('Lantern');
    } finally {
      reviews.child.kill('SIGCONT');
    }
    await untilWhole(5000);
  });
});
