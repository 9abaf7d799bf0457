import DataLoader from 'dataloader';
import { and, count, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { alignByKey, groupByKey, isId } from '@marketplace/runtime';
import type { Db } from './db/client';
import { isPublished } from './db/predicates';
import { reviews, type ReviewRow } from './db/schema';
import { summarizeRatings, type RatingSummary } from './ratings';
import type { CursorValues, ReviewOrder } from './review-order';

/** One page of one product's published reviews. */
export interface ProductReviewsPageKey {
  productId: string;
  order: ReviewOrder;
  /** Rows wanted: the page size plus one, which tells whether another page follows. */
  limit: number;
  after: CursorValues | null;
}

/** Per-request batch loaders: one statement per hop, however many products or reviews a response lists. */
export function createLoaders(db: Db) {
  /** Rating summaries of the published reviews grouped by `column` (a product or a seller). */
  async function ratingsBy(column: PgColumn, keys: readonly string[]): Promise<RatingSummary[]> {
    const ids = keys.filter(isId);
    const rows = ids.length
      ? await db
          .select({ key: sql<string>`${column}`, stars: reviews.rating, count: count() })
          .from(reviews)
          .where(and(inArray(column, ids), isPublished))
          .groupBy(column, reviews.rating)
      : [];
    return groupByKey(keys, rows, (r) => r.key).map((buckets) =>
      summarizeRatings(new Map(buckets.map((b) => [b.stars, b.count]))),
    );
  }

  /**
   * Pages asking for the same order, size and position are answered by one statement for all
   * their products: a LATERAL join runs the page's index scan once per product.
   */
  async function productReviewPages(keys: readonly ProductReviewsPageKey[]): Promise<ReviewRow[][]> {
    const groups = new Map<string, ProductReviewsPageKey[]>();
    for (const key of keys) {
      const shape = pageShape(key);
      const group = groups.get(shape);
      if (group) group.push(key);
      else groups.set(shape, [key]);
    }
    const pages = new Map<ProductReviewsPageKey, ReviewRow[]>();
    await Promise.all(
      [...groups.values()].map(async (group) => {
        const { order, limit, after } = group[0]!;
        const productIds = [...new Set(group.map((k) => k.productId).filter(isId))];
        const conditions: SQL[] = [eq(reviews.productId, sql`requested.product_id`), isPublished];
        if (after) conditions.push(order.after(after));
        const page = db
          .select()
          .from(reviews)
          .where(and(...conditions))
          .orderBy(...order.orderBy)
          .limit(limit)
          .as('page');
        const rows = productIds.length
          ? await db
              .select()
              .from(sql`unnest(${sql.param(productIds)}::uuid[]) as requested(product_id)`)
              .crossJoinLateral(page)
          : [];
        const byProduct = groupByKey(group.map((k) => k.productId), rows.map((r) => r.page), (r) => r.productId);
        group.forEach((key, i) => pages.set(key, byProduct[i]!));
      }),
    );
    return keys.map((key) => pages.get(key)!);
  }

  return {
    reviewById: new DataLoader(async (ids: readonly string[]) => {
      const known = ids.filter(isId);
      const rows = known.length ? await db.select().from(reviews).where(inArray(reviews.id, known)) : [];
      return alignByKey(ids, rows, (r) => r.id);
    }),
    productRating: new DataLoader((productIds: readonly string[]) => ratingsBy(reviews.productId, productIds)),
    sellerRating: new DataLoader((sellerIds: readonly string[]) => ratingsBy(reviews.sellerId, sellerIds)),
    productReviewsPage: new DataLoader(productReviewPages, {
      cacheKeyFn: (key) => `${key.productId}:${pageShape(key)}`,
    }),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;

function pageShape({ order, limit, after }: ProductReviewsPageKey): string {
  return JSON.stringify([order.name, limit, after]);
}
