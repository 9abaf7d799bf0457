/** Changes to existing reviews: moderation and helpful votes. */
import { isId, userError } from '@marketplace/runtime';
import { and, eq, sql } from 'drizzle-orm';
import type { ModerationDecision, UserError } from './__generated__/resolvers-types';
import type { Db } from './db/client';
import { reviewHelpfulVotes, reviews, type ReviewRow, type ReviewStatus } from './db/schema';
import { recordRatingChange } from './ratings';

export type ReviewOutcome = { review: ReviewRow; userErrors: [] } | { review: null; userErrors: UserError[] };

const succeeded = (review: ReviewRow): ReviewOutcome => ({ review, userErrors: [] });
const failed = (error: UserError): ReviewOutcome => ({ review: null, userErrors: [error] });
const notFound = () => failed(userError('NOT_FOUND', 'No such review.', ['reviewId']));

const DECIDED_STATUS: Record<ModerationDecision, ReviewStatus> = { APPROVE: 'PUBLISHED', REJECT: 'REJECTED' };

/**
 * Publishes or rejects a review waiting for moderation. The status condition is part of the
 * UPDATE, so of two operators deciding at once exactly one applies and the other is told.
 */
export async function moderateReview(db: Db, reviewId: string, decision: ModerationDecision): Promise<ReviewOutcome> {
  if (!isId(reviewId)) return notFound();
  const decided = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(reviews)
      .set({ status: DECIDED_STATUS[decision], moderatedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(reviews.id, reviewId), eq(reviews.status, 'PENDING_MODERATION')))
      .returning();
    if (row?.status === 'PUBLISHED') await recordRatingChange(tx, row.productId);
    return row;
  });
  if (decided) return succeeded(decided);
  const [existing] = await db.select({ status: reviews.status }).from(reviews).where(eq(reviews.id, reviewId));
  if (!existing) return notFound();
  return failed(userError('INVALID_STATE', `This review was already moderated (${existing.status}).`, ['reviewId']));
}

/**
 * Records `userId`'s helpful vote on a published review of someone else. The vote's primary key
 * allows one per customer, however many requests race; the count moves in the same transaction.
 */
export async function markReviewHelpful(db: Db, reviewId: string, userId: string): Promise<ReviewOutcome> {
  if (!isId(reviewId)) return notFound();
  return db.transaction(async (tx) => {
    const [review] = await tx.select().from(reviews).where(eq(reviews.id, reviewId));
    if (!review || review.status !== 'PUBLISHED') return notFound();
    if (review.authorId === userId) {
      return failed(userError('INVALID_INPUT', 'You cannot mark your own review helpful.', ['reviewId']));
    }
    const [vote] = await tx
      .insert(reviewHelpfulVotes)
      .values({ reviewId, userId })
      .onConflictDoNothing()
      .returning({ reviewId: reviewHelpfulVotes.reviewId });
    if (!vote) return failed(userError('ALREADY_MARKED', 'You already marked this review helpful.', ['reviewId']));
    const [counted] = await tx
      .update(reviews)
      .set({ helpfulCount: sql`${reviews.helpfulCount} + 1` })
      .where(eq(reviews.id, reviewId))
      .returning();
    return succeeded(counted!);
  });
}
