import DataLoader from 'dataloader';
import { asc, inArray } from 'drizzle-orm';
import { alignByKey, groupByKey, isId } from '@marketplace/runtime';
import type { Db } from './db/client';
import { payments, refunds } from './db/schema';

/** Per-request batch loaders: one query per hop, however many orders a response lists. */
export function createLoaders(db: Db) {
  return {
    paymentByOrderId: new DataLoader(async (orderIds: readonly string[]) => {
      const ids = orderIds.filter(isId);
      const rows = ids.length ? await db.select().from(payments).where(inArray(payments.orderId, ids)) : [];
      return alignByKey(orderIds, rows, (r) => r.orderId);
    }),
    refundsByPaymentId: new DataLoader(async (paymentIds: readonly string[]) => {
      const rows = await db
        .select()
        .from(refunds)
        .where(inArray(refunds.paymentId, [...paymentIds]))
        .orderBy(asc(refunds.createdAt));
      return groupByKey(paymentIds, rows, (r) => r.paymentId);
    }),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
