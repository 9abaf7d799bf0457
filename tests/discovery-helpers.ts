/** Steps shared by the discovery tests (search, projections, reviews, recommendations). */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { op } from '../scripts/contract';
import type { Stack } from '../scripts/stack';
import { registerCustomer } from './helpers';

/** A word no other test's product contains, so a search sees only this test's products. */
export const uniqueWord = () => `zq${randomUUID().replace(/-/g, '').slice(0, 10)}`;

export interface CatalogNode {
  id: string;
  title: string;
  brand: string;
  price: { amount: number };
  inStock: boolean;
  rating: { average: number | null; count: number };
  seller: { id: string; storeName: string };
}

export type CatalogVariables = { query?: string; filter?: Record<string, unknown>; sort?: string; first?: number; after?: string };

export async function catalog(stack: Stack, variables: CatalogVariables) {
  const res = await stack.request(op('Catalog'), variables);
  expect(res.errors).toBeUndefined();
  return res.data.products as {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    facets: {
      categories: { value: string; label: string; count: number }[];
      brands: { value: string; label: string; count: number }[];
      priceRanges: { min: number; max: number | null; count: number }[];
    };
    edges: { cursor: string; node: CatalogNode }[];
  };
}

/** Every product of a search, page after page of `first`; checks the pages join without gaps or repeats. */
export async function allPages(stack: Stack, variables: CatalogVariables, first = 2): Promise<CatalogNode[]> {
  const nodes: CatalogNode[] = [];
  let after: string | undefined;
  for (let pages = 0; ; pages++) {
    expect(pages).toBeLessThan(100);
    const page = await catalog(stack, { ...variables, first, after });
    nodes.push(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor!;
  }
  expect(new Set(nodes.map((n) => n.id)).size).toBe(nodes.length);
  return nodes;
}

/**
 * Polls `read` until `accept` holds or `withinMs` pass (what the contract promises for copies fed
 * by events), then asserts on the last value read.
 */
export async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, withinMs = 2000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function writeReview(stack: Stack, token: string, productId: string, rating: number, text: Partial<{ title: string; body: string }> = {}) {
  const res = await stack.request(
    op('WriteReview'),
    { input: { productId, rating, title: text.title ?? 'Does the job', body: text.body ?? 'Arrived on time and works as described.' } },
    token,
  );
  expect(res.errors).toBeUndefined();
  return res.data.writeReview as {
    review: { id: string; rating: number; status: string; verifiedPurchase: boolean } | null;
    userErrors: { code: string }[];
  };
}

/** A new customer's published review. */
export async function reviewAsNewCustomer(stack: Stack, productId: string, rating: number) {
  const customer = await registerCustomer(stack);
  const written = await writeReview(stack, customer.token, productId, rating);
  expect(written.userErrors).toEqual([]);
  expect(written.review!.status).toBe('PUBLISHED');
  return written.review!;
}

/** A new customer who buys one of each variant (a confirmed order); answers the customer and order id. */
export async function buy(stack: Stack, variantIds: string[]) {
  const customer = await registerCustomer(stack);
  const address = await stack.request(
    op('AddAddress'),
    { input: { fullName: 'Sam Shopper', line1: '1 Main St', city: 'New York', region: 'NY', postalCode: '10001', country: 'US', isDefault: true } },
    customer.token,
  );
  for (const variantId of variantIds) {
    const added = await stack.request(op('AddToCart'), { variantId, quantity: 1 }, customer.token);
    expect(added.data.addToCart.userErrors).toEqual([]);
  }
  const res = await stack.request(
    op('Checkout'),
    {
      input: {
        idempotencyKey: randomUUID(),
        shippingAddressId: address.data.addAddress.address.id,
        paymentToken: 'tok_visa',
        shippingSpeed: 'STANDARD',
      },
    },
    customer.token,
  );
  expect(res.data.checkout.userErrors).toEqual([]);
  expect(res.data.checkout.order.status).toBe('CONFIRMED');
  return { ...customer, orderId: res.data.checkout.order.id as string };
}
