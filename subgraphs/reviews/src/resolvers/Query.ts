import { pageSize } from '@marketplace/runtime';
import { and, count } from 'drizzle-orm';
import type { QueryResolvers } from '../__generated__/resolvers-types';
import { reviewConnection } from '../connection';
import { isAwaitingModeration } from '../db/predicates';
import { reviews } from '../db/schema';
import { OLDEST_FIRST, parseAfter } from '../review-order';

export const Query: QueryResolvers = {
  reviewsAwaitingModeration: (_parent, { first, after }, { db }) => {
    const size = pageSize(first);
    const afterValues = parseAfter(OLDEST_FIRST, after);
    return reviewConnection({
      order: OLDEST_FIRST,
      size,
      rows: () =>
        db
          .select()
          .from(reviews)
          .where(and(isAwaitingModeration, afterValues ? OLDEST_FIRST.after(afterValues) : undefined))
          .orderBy(...OLDEST_FIRST.orderBy)
          .limit(size + 1),
      totalCount: async () => {
        const [row] = await db.select({ n: count() }).from(reviews).where(isAwaitingModeration);
        return row!.n;
      },
    });
  },
};
