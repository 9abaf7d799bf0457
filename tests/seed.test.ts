import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { op } from '../scripts/contract';
import { DEMO_PASSWORD, DEMO_SHOPPER, seed } from '../scripts/seed';
import { startStack, type Stack } from '../scripts/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

describe('pnpm seed', () => {
  it('loads a demo marketplace, and a second run duplicates nothing', async () => {
    const first = await seed(stack, { products: 25 });
    expect(first).toEqual({ products: 25, created: 25 });
    const second = await seed(stack, { products: 25 });
    expect(second).toEqual({ products: 25, created: 0 });

    const seller = await stack.request(op('Login'), { email: 'seller1@demo.marketplace', password: DEMO_PASSWORD });
    const dashboard = await stack.request(op('SellerDashboard'), {}, seller.data.login.accessToken);
    expect(dashboard.data.mySeller.productCount).toBe(5);

    const shopper = await stack.request(op('Login'), { email: DEMO_SHOPPER, password: DEMO_PASSWORD });
    const me = await stack.request(op('Me'), {}, shopper.data.login.accessToken);
    expect(me.data.me.addresses).toHaveLength(1);

    const catalog = await stack.request(op('Catalog'), { filter: { sellerId: dashboard.data.mySeller.id }, first: 100 });
    expect(catalog.data.products.totalCount).toBe(5);
    expect(catalog.data.products.edges.some((e: { node: { inStock: boolean } }) => e.node.inStock)).toBe(true);
  });
});
