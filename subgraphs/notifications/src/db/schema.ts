import { sql } from 'drizzle-orm';
import { index, integer, pgSchema, primaryKey, text, timestamp, unique, uuid, varchar } from 'drizzle-orm/pg-core';
import { NOTIFICATION_KINDS } from '../kinds';

/**
 * Everything notifications stores lives in the `notifications` Postgres schema; no other subgraph reads it.
 * Not exported on purpose: the migrator creates the schema (it keeps its bookkeeping there), and
 * drizzle-kit would otherwise emit a second, failing CREATE SCHEMA.
 */
const notificationsSchema = pgSchema('notifications');

const instant = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

export const notificationKind = notificationsSchema.enum('notification_kind', NOTIFICATION_KINDS);
export const deliveryStatus = notificationsSchema.enum('delivery_status', ['PENDING', 'SENT', 'FAILED']);
export const channel = notificationsSchema.enum('channel', ['EMAIL']);

/**
 * Every message decided on, rendered once (retries send the same bytes). The unique key makes a
 * redelivered or replayed event, or two instances handling it, decide it once.
 */
export const notifications = notificationsSchema.table(
  'notifications',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** The domain event's id (`<subgraph>:<outbox id>`). */
    eventId: text('event_id').notNull(),
    recipientId: uuid('recipient_id').notNull(),
    kind: notificationKind('kind').notNull(),
    channel: channel('channel').notNull().default('EMAIL'),
    recipientEmail: varchar('recipient_email', { length: 254 }).notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body').notNull(),
    orderId: uuid('order_id'),
    status: deliveryStatus('status').notNull().default('PENDING'),
    attempts: integer('attempts').notNull().default(0),
    /** When the next send may be tried: a retry's backoff, or the lease of the instance sending it. */
    nextAttemptAt: instant('next_attempt_at').notNull().defaultNow(),
    lastError: text('last_error'),
    /** When the change it tells of committed (the event's time): the benchmark's start. */
    occurredAt: instant('occurred_at').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
    sentAt: instant('sent_at'),
    readAt: instant('read_at'),
  },
  (t) => [
    unique('notifications_event_recipient_kind_unique').on(t.eventId, t.recipientId, t.kind),
    index('notifications_inbox_idx').on(t.recipientId, t.createdAt, t.id),
    index('notifications_due_idx').on(t.nextAttemptAt).where(sql`status = 'PENDING'`),
  ],
);

/** The dead letters: notifications every retry failed, until an operator retries them. */
export const deliveryFailures = notificationsSchema.table(
  'delivery_failures',
  {
    notificationId: uuid('notification_id')
      .primaryKey()
      .references(() => notifications.id),
    attempts: integer('attempts').notNull(),
    lastError: text('last_error').notNull(),
    failedAt: instant('failed_at').notNull().defaultNow(),
  },
  (t) => [index('delivery_failures_failed_idx').on(t.failedAt, t.notificationId)],
);

/** Kinds a user turned off (transactional kinds never appear here). */
export const optOuts = notificationsSchema.table(
  'opt_outs',
  {
    userId: uuid('user_id').notNull(),
    kind: notificationKind('kind').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind] })],
);

export type NotificationRow = typeof notifications.$inferSelect;
export type NewNotificationRow = typeof notifications.$inferInsert;
export type DeliveryFailureRow = typeof deliveryFailures.$inferSelect;
