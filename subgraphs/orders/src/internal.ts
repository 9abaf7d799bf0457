import { isId, mountInternalRoutes, type HttpApp } from '@marketplace/runtime';
import { inArray } from 'drizzle-orm';
import { db } from './db/client';
import { orders } from './db/schema';

/** Operations other services call (contracts in runtime's internal-api.ts). */
export function mountInternal(app: HttpApp): void {
  mountInternalRoutes<'orders'>(app, {
    orderNumbers: async ({ orderIds }) => {
      const ids = orderIds.filter(isId);
      if (ids.length === 0) return [];
      return db.select({ orderId: orders.id, number: orders.number }).from(orders).where(inArray(orders.id, ids));
    },
  });
}
