import DataLoader from 'dataloader';
import { asc } from 'drizzle-orm';
import { alignByKey, groupByKey, isAnyOf, isId, preparedStatement } from '@marketplace/runtime';
import type { Db } from './db/client';
import { payments, refunds } from './db/schema';

// Each hop's statement, built once per database: `ids` is the batch's keys.
const paymentsOfOrders = preparedStatement((db: Db) =>
  db.select().from(payments).where(isAnyOf(payments.orderId, 'ids')).prepare('payments:paymentsOfOrders'),
);
const refundsOfPayments = preparedStatement((db: Db) =>
  db.select().from(refunds).where(isAnyOf(refunds.paymentId, 'ids')).orderBy(asc(refunds.createdAt)).prepare('payments:refundsOfPayments'),
);

/** Per-request batch loaders: one query per hop, however many orders a response lists. */
export function createLoaders(db: Db) {
  return {
    paymentByOrderId: new DataLoader(async (orderIds: readonly string[]) => {
      const ids = orderIds.filter(isId);
      const rows = ids.length ? await paymentsOfOrders(db).execute({ ids }) : [];
      return alignByKey(orderIds, rows, (r) => r.orderId);
    }),
    refundsByPaymentId: new DataLoader(async (paymentIds: readonly string[]) => {
      const rows = await refundsOfPayments(db).execute({ ids: paymentIds });
      return groupByKey(paymentIds, rows, (r) => r.paymentId);
    }),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
