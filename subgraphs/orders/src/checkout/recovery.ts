/**
 * Finishes checkouts whose process died mid-saga. A checkout left in STARTED or RESERVED and
 * untouched for `staleAfterMs` is claimed (FOR UPDATE SKIP LOCKED, so several orders instances
 * share the work). Its customer got no answer, so recovery charges nobody anew: a checkout whose
 * payment was already authorized is driven forward to CONFIRMED (every step is idempotent);
 * any other is compensated (stock released, nothing charged, order PAYMENT_FAILED).
 */
import { callInternal, logger, setting } from '@marketplace/runtime';
import { sql } from 'drizzle-orm';
import { db } from '../db/client';
import { checkouts, type CheckoutRow } from '../db/schema';
import { abandonCheckout, runSaga } from './saga';

export async function recoverStalledCheckouts(opts: { staleAfterMs?: number; maxAttempts?: number; limit?: number } = {}): Promise<number> {
  const staleAfterMs = opts.staleAfterMs ?? setting('CHECKOUT_STALE_AFTER_MS');
  const claimed = (await db.execute(sql`
    update ${checkouts} set updated_at = now(), attempts = attempts + 1
    where order_id in (
      select order_id from ${checkouts}
      where state in ('STARTED', 'RESERVED') and updated_at < now() - ${`${staleAfterMs} milliseconds`}::interval
      order by updated_at limit ${opts.limit ?? 50} for update skip locked)
    returning order_id`)) as unknown as { order_id: string }[];
  for (const { order_id } of claimed) {
    const [row] = (await db.select().from(checkouts).where(sql`${checkouts.orderId} = ${order_id}`)) as [CheckoutRow];
    try {
      const payment = row.state === 'RESERVED' ? await callInternal('payments', 'paymentStatus', { orderId: row.orderId }) : null;
      if (payment?.status === 'AUTHORIZED' && row.attempts <= (opts.maxAttempts ?? 5)) await runSaga(row);
      else await abandonCheckout(row);
    } catch (err) {
      logger.warn({ err, orderId: row.orderId }, 'checkout recovery failed; will retry');
    }
  }
  return claimed.length;
}

export function startCheckoutRecovery(intervalMs = setting('CHECKOUT_RECOVERY_INTERVAL_MS')) {
  let running = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => recoverStalledCheckouts().then(() => undefined)).catch((err) => logger.warn({ err }, 'recovery failed'));
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
