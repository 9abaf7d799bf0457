/** Rating summaries: average, count and per-star distribution of published reviews. */

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
