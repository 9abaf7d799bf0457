/** Rating summaries: average, count and per-star distribution of published reviews. */
import { recordEvents } from '@marketplace/runtime';
import { and, count, eq, sql } from 'drizzle-orm';
import type { Tx } from './db/client';
import { isPublished } from './db/predicates';
import { outbox, reviews } from './db/schema';

export interface RatingBucket {
  stars: number;
  count: number;
}

export interface RatingSummary {
  /** Null when nothing is rated yet. */
  average: number | null;
  count: number;
  /** All five buckets, 5 stars down to 1. */
  distribution: RatingBucket[];
}

const STARS = [5, 4, 3, 2, 1] as const;

/** Builds a summary from review counts per star (stars missing from `countsByStars` have none). */
export function summarizeRatings(countsByStars: ReadonlyMap<number, number>): RatingSummary {
  const distribution = STARS.map((stars) => ({ stars, count: countsByStars.get(stars) ?? 0 }));
  const count = distribution.reduce((sum, b) => sum + b.count, 0);
  const total = distribution.reduce((sum, b) => sum + b.stars * b.count, 0);
  return { average: count === 0 ? null : total / count, count, distribution };
}

/**
 * Records `rating.changed` with the product's published count and sum, in the transaction that
 * changed them (products keeps a copy for its filters and sorts). A per-product lock makes
 * concurrent changes take turns, so each counts the other's committed review and the events of
 * one product are written in the order of its changes (their outbox ids are their versions).
 */
export async function recordRatingChange(tx: Tx, productId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`product-rating:${productId}`}))`);
  const [totals] = await tx
    .select({ count: count(), sum: sql<number>`coalesce(sum(${reviews.rating}), 0)`.mapWith(Number) })
    .from(reviews)
    .where(and(eq(reviews.productId, productId), isPublished));
  await recordEvents(tx, outbox, [{ topic: 'rating.changed', key: productId, payload: { productId, ...totals! } }]);
}
