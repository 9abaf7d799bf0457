import { consumeEvents, type DomainEvent } from '@marketplace/runtime';
import { db } from './db/client';
import { purchases } from './db/schema';

interface OrderConfirmed {
  orderId: string;
  customerId: string;
  lines: { productId: string }[];
}

/** Projects confirmed orders into `purchases`; idempotent, so redelivery is harmless. */
export async function recordPurchases(events: DomainEvent[]): Promise<void> {
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

/** Follows `order.confirmed` as a durable consumer group: every reviews instance shares the work. */
export const startPurchaseProjection = () =>
  consumeEvents({ topic: 'order.confirmed', group: 'reviews-purchases', handler: recordPurchases });
