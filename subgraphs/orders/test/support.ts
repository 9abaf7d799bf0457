import { startSubgraph, type Identity, type RunningServer } from '@marketplace/runtime';
import { asAdmin, asSeller, subgraphRequest } from '@marketplace/runtime/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import { inventory } from '../../inventory/src/index';
import { products } from '../../products/src/index';
import type { OrderLineStatus, OrderStatus } from '../src/__generated__/resolvers-types';
import { db } from '../src/db/client';
import { orderEvents, orderLines, orders as ordersTable } from '../src/db/schema';
import { orders } from '../src/index';

type Name = 'products' | 'inventory' | 'orders';

/** Starts orders and the subgraphs it calls in-process, pointing orders' internal calls at them. */
export function useSubgraphs() {
  const servers = {} as Record<Name, RunningServer>;
  beforeAll(async () => {
    [servers.products, servers.inventory, servers.orders] = await Promise.all([
      startSubgraph(products, { port: 0 }),
      startSubgraph(inventory, { port: 0 }),
      startSubgraph(orders, { port: 0 }),
    ]);
    for (const name of Object.keys(servers) as Name[]) process.env[`${name.toUpperCase()}_URL`] = servers[name].url;
  });
  afterAll(() => Promise.all(Object.values(servers).map((s) => s.stop())));
  return (name: Name, query: string, variables: Record<string, unknown> = {}, identity?: Identity) =>
    subgraphRequest(servers[name].url, query, variables, identity);
}
export type Gql = ReturnType<typeof useSubgraphs>;

/** An ACTIVE product of a fresh store, with one variant per price given. */
export async function createProduct(gql: Gql, title: string, prices: number[]) {
  const seller = asSeller(randomUUID(), randomUUID());
  const category = await gql(
    'products',
    `mutation ($slug: String!) { createCategory(input: { name: "Test", slug: $slug }) { category { id } } }`,
    { slug: `c-${randomUUID()}` },
    asAdmin(randomUUID()),
  );
  const created = await gql(
    'products',
    `mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id status variants { id } } userErrors { code } } }`,
    {
      input: {
        title,
        description: '',
        brand: 'Acme',
        categoryId: category.data!.createCategory.category.id,
        variants: prices.map((price, i) => ({ sku: `SKU-${randomUUID().slice(0, 8)}`, title: `Variant ${i}`, price })),
      },
    },
    seller,
  );
  expect(created.data!.createProduct.userErrors).toEqual([]);
  const product = created.data!.createProduct.product;
  return { seller, productId: product.id as string, variantIds: product.variants.map((v: { id: string }) => v.id) as string[] };
}

export interface LineSpec {
  sellerId: string;
  productId?: string;
  price?: number;
  quantity?: number;
  status?: OrderLineStatus;
}

/** An order written straight into the tables, as checkout (next milestone) will. */
export async function placeOrder(customerId: string, lines: LineSpec[], opts: { status?: OrderStatus; placedAt?: Date } = {}) {
  const status = opts.status ?? 'CONFIRMED';
  const subtotal = lines.reduce((sum, l) => sum + (l.price ?? 1000) * (l.quantity ?? 1), 0);
  const [order] = await db
    .insert(ordersTable)
    .values({
      customerId,
      status,
      shippingSpeed: 'STANDARD',
      shipFullName: 'Ada Lovelace',
      shipLine1: '1 Analytical Way',
      shipCity: 'London',
      shipPostalCode: 'N1 1AA',
      shipCountry: 'GB',
      subtotal,
      shippingCost: 499,
      total: subtotal + 499,
      currencyCode: 'USD',
      placedAt: opts.placedAt ?? new Date(),
    })
    .returning();
  const rows = await db
    .insert(orderLines)
    .values(
      lines.map((l, position) => ({
        orderId: order!.id,
        variantId: randomUUID(),
        productId: l.productId ?? randomUUID(),
        sellerId: l.sellerId,
        title: `Item ${position}`,
        sku: `SKU-${position}`,
        unitPrice: l.price ?? 1000,
        quantity: l.quantity ?? 1,
        status: l.status ?? (status === 'CANCELLED' ? 'CANCELLED' : 'CONFIRMED'),
        position,
      })),
    )
    .returning();
  await db.insert(orderEvents).values([{ orderId: order!.id, status: 'PENDING_PAYMENT' }, { orderId: order!.id, status }]);
  return { ...order!, lines: rows.sort((a, b) => a.position - b.position) };
}
