import { callInternal, InputCheck, isId, logger, recordEvents, uniqueViolation, userError } from '@marketplace/runtime';
import { and, eq } from 'drizzle-orm';
import type { UserErrorCode, WriteReviewInput } from './__generated__/resolvers-types';
import type { Db } from './db/client';
import { outbox, purchases, REVIEW_BODY_MAX, REVIEW_TITLE_MAX, reviews } from './db/schema';
import { moderationReasons } from './moderation';
import { recordRatingChange } from './ratings';
import type { ReviewOutcome } from './review-actions';

/**
 * A customer's review of a product they may or may not have bought: one per customer per product
 * (the unique constraint decides), verified when a confirmed order of theirs contained it, and
 * published at once unless the automatic checks send it to moderation.
 */
export async function writeReview(db: Db, authorId: string, input: WriteReviewInput): Promise<ReviewOutcome> {
  const check = new InputCheck<UserErrorCode>();
  if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) {
    check.add('INVALID_RATING', 'A rating is 1 to 5 stars.', ['input', 'rating']);
  }
  const title = check.text(input.title, ['input', 'title'], { max: REVIEW_TITLE_MAX, label: 'Title' });
  const body = check.text(input.body, ['input', 'body'], { max: REVIEW_BODY_MAX, label: 'Review' });
  const [product] = isId(input.productId) ? await callInternal('products', 'productsByIds', { ids: [input.productId] }) : [];
  if (!product || product.status !== 'ACTIVE') check.add('NOT_FOUND', 'No such product.', ['input', 'productId']);
  if (!check.ok) return { review: null, userErrors: check.errors };

  const [bought] = await db
    .select({ orderId: purchases.orderId })
    .from(purchases)
    .where(and(eq(purchases.customerId, authorId), eq(purchases.productId, input.productId)))
    .limit(1);
  const flagged = moderationReasons(title, body);
  const status = flagged.length ? 'PENDING_MODERATION' : 'PUBLISHED';
  try {
    // A published review changes the product's rating: its event is written with it.
    const review = await db.transaction(async (tx) => {
      const [written] = await tx
        .insert(reviews)
        .values({
          productId: input.productId,
          sellerId: product!.sellerId,
          authorId,
          rating: input.rating,
          title,
          body,
          verifiedPurchase: Boolean(bought),
          status,
        })
        .returning();
      if (status === 'PUBLISHED') await recordRatingChange(tx, input.productId);
      // Held reviews wait for an operator: the event tells them (notifications) why.
      else {
        const payload = { reviewId: written!.id, productId: input.productId, productTitle: product!.title, rating: input.rating, title, reasons: flagged };
        await recordEvents(tx, outbox, [{ topic: 'review.flagged', key: written!.id, payload }]);
      }
      return written!;
    });
    if (flagged.length) logger.info({ reviewId: review.id, flagged }, 'review held for moderation');
    return { review, userErrors: [] };
  } catch (err) {
    if (uniqueViolation(err) === 'reviews_author_product_unique') {
      return { review: null, userErrors: [userError('ALREADY_REVIEWED', 'You already reviewed this product.', ['input', 'productId'])] };
    }
    throw err;
  }
}
