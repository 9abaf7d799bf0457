import { sql } from 'drizzle-orm';
import { outboxTable } from '@marketplace/runtime';
import {
  boolean,
  check,
  index,
  integer,
  pgSchema,
  primaryKey,
  smallint,
  timestamp,
  unique,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';

/**
 * Everything reviews stores lives in the `reviews` Postgres schema; no other subgraph reads it.
 * Not exported on purpose: the migrator creates the schema (it keeps its bookkeeping there), and
 * drizzle-kit would otherwise emit a second, failing CREATE SCHEMA.
 */
const reviewsSchema = pgSchema('reviews');

export const reviewStatus = reviewsSchema.enum('review_status', ['PENDING_MODERATION', 'PUBLISHED', 'REJECTED']);

/** Longest title and body a review may have; writeReview's input check must stay within them. */
export const REVIEW_TITLE_MAX = 150;
export const REVIEW_BODY_MAX = 5000;

const published = sql`status = 'PUBLISHED'`;

export const reviews = reviewsSchema.table(
  'reviews',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    productId: uuid('product_id').notNull(),
    /** The product's seller when the review was written, so a store's rating needs no other subgraph. */
    sellerId: uuid('seller_id').notNull(),
    authorId: uuid('author_id').notNull(),
    rating: smallint('rating').notNull(),
    title: varchar('title', { length: REVIEW_TITLE_MAX }).notNull(),
    body: varchar('body', { length: REVIEW_BODY_MAX }).notNull(),
    status: reviewStatus('status').notNull().default('PENDING_MODERATION'),
    verifiedPurchase: boolean('verified_purchase').notNull().default(false),
    helpfulCount: integer('helpful_count').notNull().default(0),
    /**
     * Millisecond precision, like a JS Date: keyset cursors carry this value and must compare
     * equal to the stored one, which a microsecond timestamp would not after a round trip.
     */
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    moderatedAt: timestamp('moderated_at', { withTimezone: true }),
  },
  (t) => [
    /** One review per customer per product. */
    unique('reviews_author_product_unique').on(t.authorId, t.productId),
    check('reviews_rating_range', sql`${t.rating} between 1 and 5`),
    check('reviews_helpful_count_non_negative', sql`${t.helpfulCount} >= 0`),
    // A product's published reviews, one index per sort order of Product.reviews (the rating
    // ones also serve the rating summaries as index-only scans). NULLS FIRST is what a plain
    // ORDER BY ... DESC means; the planner only uses an index whose null order matches.
    index('reviews_product_newest_idx').on(t.productId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()).where(published),
    index('reviews_product_helpful_idx')
      .on(t.productId, t.helpfulCount.desc().nullsFirst(), t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(published),
    index('reviews_product_rating_desc_idx')
      .on(t.productId, t.rating.desc().nullsFirst(), t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(published),
    index('reviews_product_rating_asc_idx')
      .on(t.productId, t.rating.asc(), t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(published),
    index('reviews_seller_rating_idx').on(t.sellerId, t.rating).where(published),
    /** The moderation queue, oldest first. */
    index('reviews_moderation_queue_idx').on(t.createdAt, t.id).where(sql`status = 'PENDING_MODERATION'`),
  ],
);

/** Who marked which review helpful: the primary key allows one vote per customer. */
export const reviewHelpfulVotes = reviewsSchema.table(
  'review_helpful_votes',
  {
    reviewId: uuid('review_id')
      .notNull()
      .references(() => reviews.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.reviewId, t.userId] })],
);

export type ReviewRow = typeof reviews.$inferSelect;
export type ReviewStatus = (typeof reviewStatus.enumValues)[number];

/**
 * Who bought what, projected from orders' `order.confirmed` events (reviews never reads orders'
 * tables). Redelivered events insert nothing new: the primary key includes the order.
 */
export const purchases = reviewsSchema.table(
  'purchases',
  {
    customerId: uuid('customer_id').notNull(),
    productId: uuid('product_id').notNull(),
    orderId: uuid('order_id').notNull(),
    purchasedAt: timestamp('purchased_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.productId, t.orderId] })],
);

/** Domain events (`rating.changed`), published by the outbox relay. */
export const outbox = outboxTable(reviewsSchema);
