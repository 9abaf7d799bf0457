import { isId, mountInternalRoutes, type HttpApp } from '@marketplace/runtime';
import { and, asc, count, gt, sql } from 'drizzle-orm';
import { db } from './db/client';
import { isPublished } from './db/predicates';
import { reviews } from './db/schema';

const MAX_SNAPSHOT_PAGE = 5000;

/** Operations other subgraphs call (contracts in runtime's internal-api.ts). */
export function mountInternal(app: HttpApp): void {
  mountInternalRoutes<'reviews'>(app, {
    ratingSnapshot: ({ afterProductId, limit }) =>
      db.transaction(async (tx) => {
        // Waits for the writers in flight and holds back new ones for this page, so every rating
        // event numbered up to the outbox position read next is in the page, and none after it.
        await tx.execute(sql`lock table ${reviews} in share mode`);
        const [position] = await tx.execute<{ version: string }>(
          sql`select coalesce(pg_sequence_last_value(pg_get_serial_sequence('reviews.outbox', 'id')::regclass), 0) as version`,
        );
        const items = await tx
          .select({
            productId: reviews.productId,
            count: count(),
            sum: sql<number>`sum(${reviews.rating})`.mapWith(Number),
          })
          .from(reviews)
          .where(and(isPublished, isId(afterProductId) ? gt(reviews.productId, afterProductId) : undefined))
          .groupBy(reviews.productId)
          .orderBy(asc(reviews.productId))
          .limit(Math.min(Math.max(Math.trunc(limit) || 1, 1), MAX_SNAPSHOT_PAGE));
        return { version: Number(position!.version), items };
      }),
  });
}
