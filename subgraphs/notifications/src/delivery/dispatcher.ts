/**
 * Sends the notifications that are due. Each instance claims a batch by moving its rows'
 * `next_attempt_at` a lease ahead (`for update skip locked`, so instances never claim the same
 * row), hands them to the channel a few at a time, then marks each SENT, or schedules a retry
 * with exponential backoff, or after the last attempt parks it in `delivery_failures`.
 * A crash between the mail server's acceptance and the mark resends once the lease ends: the
 * resend carries the same Message-ID.
 */
import { logger, serialDrain, setting } from '@marketplace/runtime';
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { deliveryFailures, notifications, type NotificationRow } from '../db/schema';
import type { Channel } from './email';

const BATCH = 50;
/** Longer than any send takes; an instance that died mid-batch leaves its rows to others after it. */
const LEASE_MS = 60_000;

export interface Dispatcher {
  /** Look for due notifications now (after new ones were recorded). */
  wake(): void;
  /** Resolves once nothing due is left (tests). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** The wait before attempt `attempts + 1`: base × 2^(attempts − 1), ±20 %. */
export function backoffMs(attempts: number): number {
  const base = setting('NOTIFICATION_RETRY_BASE_MS') * 2 ** Math.max(0, attempts - 1);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/**
 * Error text fit for operators (`notificationFailures`): the error's code, the mail server's reply
 * code and message, with addresses taken out (clients never see where our servers are); the log
 * keeps the whole error.
 */
export function describe(err: unknown): string {
  const e = err as { code?: string; responseCode?: number; message?: string };
  const message = (e.message ?? '')
    .replace(/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/g, '<address>')
    .replace(/\[?\b([0-9a-f]{0,4}:){2,}[0-9a-f]{0,4}\]?(:\d+)?/gi, '<address>')
    .replace(/\b([a-z0-9-]+\.)+[a-z]{2,}(:\d+)?\b/gi, '<address>');
  return [e.code, e.responseCode, message].filter(Boolean).join(' ').slice(0, 500) || 'unknown error';
}

async function claimDue(db: Db): Promise<NotificationRow[]> {
  const due = db
    .select({ id: notifications.id })
    .from(notifications)
    .where(and(eq(notifications.status, 'PENDING'), lte(notifications.nextAttemptAt, sql`now()`)))
    .orderBy(asc(notifications.nextAttemptAt))
    .limit(BATCH)
    .for('update', { skipLocked: true });
  return db
    .update(notifications)
    .set({ nextAttemptAt: sql`now() + ${`${LEASE_MS} milliseconds`}::interval` })
    .where(sql`${notifications.id} in ${due}`)
    .returning();
}

async function deliverOne(db: Db, channel: Channel, row: NotificationRow): Promise<void> {
  try {
    await channel.send({ id: row.id, kind: row.kind, to: row.recipientEmail, subject: row.subject, text: row.textBody, html: row.htmlBody });
  } catch (err) {
    const attempts = row.attempts + 1;
    const lastError = describe(err);
    if (attempts >= setting('NOTIFICATION_MAX_ATTEMPTS')) {
      logger.warn({ err, notificationId: row.id, attempts }, 'notification dead-lettered');
      await db.transaction(async (tx) => {
        await tx.update(notifications).set({ status: 'FAILED', attempts, lastError }).where(eq(notifications.id, row.id));
        await tx
          .insert(deliveryFailures)
          .values({ notificationId: row.id, attempts, lastError })
          .onConflictDoUpdate({ target: deliveryFailures.notificationId, set: { attempts, lastError, failedAt: sql`now()` } });
      });
    } else {
      logger.info({ err, notificationId: row.id, attempts }, 'notification send failed; will retry');
      await db
        .update(notifications)
        .set({ attempts, lastError, nextAttemptAt: sql`now() + ${`${backoffMs(attempts)} milliseconds`}::interval` })
        .where(eq(notifications.id, row.id));
    }
    return;
  }
  await db.update(notifications).set({ status: 'SENT', attempts: row.attempts + 1, sentAt: sql`now()`, lastError: null }).where(eq(notifications.id, row.id));
}

export function startDispatcher(db: Db, channel: Channel, opts: { pollMs?: number } = {}): Dispatcher {
  async function drain(): Promise<void> {
    for (;;) {
      const rows = await claimDue(db);
      if (rows.length === 0) return;
      const concurrency = setting('NOTIFICATION_SEND_CONCURRENCY');
      const queue = [...rows];
      await Promise.all(
        Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
          for (let row = queue.shift(); row; row = queue.shift()) await deliverOne(db, channel, row);
        }),
      );
    }
  }

  const drains = serialDrain(drain, (err) => logger.warn({ err }, 'notification dispatch failed; retrying'));
  const wake = drains.wake;

  const poll = setInterval(wake, opts.pollMs ?? 500);
  wake();
  return {
    wake,
    idle: drains.idle,
    async stop() {
      clearInterval(poll);
      await drains.stop();
      channel.close();
    },
  };
}
