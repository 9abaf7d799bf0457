import { isAnyOf, isId, mountInternalRoutes, preparedStatement, type HttpApp } from '@marketplace/runtime';
import { db, type Db } from './db/client';
import { orders } from './db/schema';

// Asked by notifications for every order event it sends: built once.
const numbersOfOrders = preparedStatement((database: Db) =>
  database.select({ orderId: orders.id, number: orders.number }).from(orders).where(isAnyOf(orders.id, 'ids')).prepare('orders:numbersOfOrders'),
);

/** Operations other services call (contracts in runtime's internal-api.ts). */
export function mountInternal(app: HttpApp): void {
  mountInternalRoutes<'orders'>(app, {
    orderNumbers: async ({ orderIds }) => {
      const ids = orderIds.filter(isId);
      if (ids.length === 0) return [];
      return numbersOfOrders(db).execute({ ids });
    },
  });
}
