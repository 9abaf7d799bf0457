import { consumeEvents, createDatabase, type DomainEvent } from '@marketplace/runtime';
import type { Db } from './db/client';
import * as tables from './db/schema';
import { purchases } from './db/schema';

interface OrderConfirmed {
  orderId: string;
  customerId: string;
  lines: { productId: string }[];
}

/** Projects confirmed orders into `purchases`; idempotent, so redelivery is harmless. */
export async function recordPurchases(db: Db, events: DomainEvent[]): Promise<void> {
  const rows = events.flatMap((event) => {
    const order = event.payload as unknown as OrderConfirmed;
    return order.lines.map((line) => ({
      customerId: order.customerId,
      productId: line.productId,
      orderId: order.orderId,
      purchasedAt: new Date(event.occurredAt),
    }));
  });
  if (rows.length) await db.insert(purchases).values(rows).onConflictDoNothing();
}

/**
 * Follows `order.confirmed` as a durable consumer group: every reviews instance shares the work.
 * A pool of its own keeps this work apart from the requests' pool (and their statement count).
 */
export function startPurchaseProjection() {
  const database = createDatabase(tables, { max: 1, countStatements: false });
  const consumer = consumeEvents({
    topic: 'order.confirmed',
    group: 'reviews-purchases',
    handler: (events) => recordPurchases(database.db, events),
  });
  return {
    async stop() {
      await consumer.stop();
      await database.close();
    },
  };
}
