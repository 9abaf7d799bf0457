import DataLoader from 'dataloader';
import { and, count, eq, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { alignByKey, groupByKey, isAnyOf, isId, preparedStatement } from '@marketplace/runtime';
import type { Db } from './db/client';
import { isPublished } from './db/predicates';
import { reviews, type ReviewRow } from './db/schema';
import { summarizeRatings, type RatingSummary } from './ratings';
import { REVIEW_ORDERS, type CursorValues, type ReviewOrder } from './review-order';

/** One page of one product's published reviews. */
export interface ProductReviewsPageKey {
  productId: string;
  order: ReviewOrder;
  /** Rows wanted: the page size plus one, which tells whether another page follows. */
  limit: number;
  after: CursorValues | null;
}

/** Star counts of the published reviews grouped by `column` (a product or a seller), for the keys `ids`. */
const ratingsStatement = (column: PgColumn, name: string) =>
  preparedStatement((db: Db) =>
    db
      .select({ key: sql<string>`${column}`, stars: reviews.rating, count: count() })
      .from(reviews)
      .where(and(isAnyOf(column, 'ids'), isPublished))
      .groupBy(column, reviews.rating)
      .prepare(name),
  );
const productRatings = ratingsStatement(reviews.productId, 'reviews:productRatings');
const sellerRatings = ratingsStatement(reviews.sellerId, 'reviews:sellerRatings');
const reviewsByIds = preparedStatement((db: Db) => db.select().from(reviews).where(isAnyOf(reviews.id, 'ids')).prepare('reviews:reviewsByIds'));

/**
 * A page of each product's published reviews (`productIds`, `limit` rows each), from `after` on
 * when given: a LATERAL join runs the page's index scan once per product.
 */
function reviewPages(db: Db, order: ReviewOrder, after: CursorValues | null) {
  const conditions: SQL[] = [eq(reviews.productId, sql`requested.product_id`), isPublished];
  if (after) conditions.push(order.after(after));
  const page = db
    .select()
    .from(reviews)
    .where(and(...conditions))
    .orderBy(...order.orderBy)
    .limit(sql.placeholder('limit'))
    .as('page');
  return db
    .select()
    .from(sql`unnest(${sql.placeholder('productIds')}::uuid[]) as requested(product_id)`)
    .crossJoinLateral(page);
}
const firstReviewPages = new Map(
  Object.values(REVIEW_ORDERS).map((order) => [
    order,
    preparedStatement((db: Db) => reviewPages(db, order, null).prepare(`reviews:firstReviewPages:${order.name}`)),
  ]),
);

/** Per-request batch loaders: one statement per hop, however many products or reviews a response lists. */
export function createLoaders(db: Db) {
  /** Rating summaries of the published reviews of these products or sellers (`ratings`: the statement for one of them). */
  async function ratingsBy(ratings: typeof productRatings, keys: readonly string[]): Promise<RatingSummary[]> {
    const ids = keys.filter(isId);
    const rows = ids.length ? await ratings(db).execute({ ids }) : [];
    return groupByKey(keys, rows, (r) => r.key).map((buckets) =>
      summarizeRatings(new Map(buckets.map((b) => [b.stars, b.count]))),
    );
  }

  /** Pages asking for the same order, size and position are answered by one statement for all their products. */
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
        // First pages (all a product page asks for) have a statement per order; later ones are built.
        const statement = (!after && firstReviewPages.get(order)?.(db)) || reviewPages(db, order, after);
        const rows = productIds.length ? await statement.execute({ productIds, limit }) : [];
        const byProduct = groupByKey(group.map((k) => k.productId), rows.map((r) => r.page), (r) => r.productId);
        group.forEach((key, i) => pages.set(key, byProduct[i]!));
      }),
    );
    return keys.map((key) => pages.get(key)!);
  }

  return {
    reviewById: new DataLoader(async (ids: readonly string[]) => {
      const known = ids.filter(isId);
      const rows = known.length ? await reviewsByIds(db).execute({ ids: known }) : [];
      return alignByKey(ids, rows, (r) => r.id);
    }),
    productRating: new DataLoader((productIds: readonly string[]) => ratingsBy(productRatings, productIds)),
    sellerRating: new DataLoader((sellerIds: readonly string[]) => ratingsBy(sellerRatings, sellerIds)),
    productReviewsPage: new DataLoader(productReviewPages, {
      cacheKeyFn: (key) => `${key.productId}:${pageShape(key)}`,
    }),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;

function pageShape({ order, limit, after }: ProductReviewsPageKey): string {
  return JSON.stringify([order.name, limit, after]);
}
