import { sql } from 'drizzle-orm';
import { outboxTable } from '@marketplace/runtime';
import { bigint, char, check, index, pgSchema, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';

/**
 * Everything payments stores lives in the `payments` Postgres schema; no other subgraph reads it.
 * Not exported on purpose: the migrator creates the schema (it keeps its bookkeeping there), and
 * drizzle-kit would otherwise emit a second, failing CREATE SCHEMA.
 */
const paymentsSchema = pgSchema('payments');

export const paymentStatus = paymentsSchema.enum('payment_status', [
  'PENDING',
  'AUTHORIZED',
  'CAPTURED',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
  'VOIDED',
  'FAILED',
]);
export const refundStatus = paymentsSchema.enum('refund_status', ['SUCCEEDED', 'FAILED']);

export const payments = paymentsSchema.table(
  'payments',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** One payment per order: the order id keys the provider calls idempotently. */
    orderId: uuid('order_id').notNull().unique(),
    customerId: uuid('customer_id').notNull(),
    status: paymentStatus('status').notNull().default('PENDING'),
    /** Minor units. */
    amount: bigint('amount', { mode: 'number' }).notNull(),
    capturedAmount: bigint('captured_amount', { mode: 'number' }).notNull().default(0),
    refundedAmount: bigint('refunded_amount', { mode: 'number' }).notNull().default(0),
    currencyCode: char('currency_code', { length: 3 }).notNull(),
    /** Only brand and last four digits are ever stored. */
    cardBrand: varchar('card_brand', { length: 32 }),
    cardLast4: char('card_last4', { length: 4 }),
    providerReference: varchar('provider_reference', { length: 128 }),
    /** Why the payment FAILED: the provider's decline code, a fraud rule, or `provider_unavailable`. */
    failureReason: varchar('failure_reason', { length: 64 }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('payments_customer_created_idx').on(t.customerId, t.createdAt),
    check('payments_captured_within_amount', sql`${t.capturedAmount} between 0 and ${t.amount}`),
    check('payments_refunded_within_captured', sql`${t.refundedAmount} between 0 and ${t.capturedAmount}`),
  ],
);

export const refunds = paymentsSchema.table(
  'refunds',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    currencyCode: char('currency_code', { length: 3 }).notNull(),
    status: refundStatus('status').notNull(),
    reason: text('reason'),
    /** Retries of one refund (a return approved twice, a crashed saga step) refund once. */
    idempotencyKey: varchar('idempotency_key', { length: 200 }).notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('refunds_payment_idx').on(t.paymentId, t.createdAt)],
);

/** Domain events (payment.updated), published by the outbox relay. */
export const outbox = outboxTable(paymentsSchema);

export type PaymentRow = typeof payments.$inferSelect;
export type RefundRow = typeof refunds.$inferSelect;
