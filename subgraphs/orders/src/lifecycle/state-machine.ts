/**
 * The order lifecycle as one table: which status may follow which, and the guard (on the order's
 * lines) that must hold for it. Every transition goes through `transitionOrder`, which checks the
 * table, appends to `order_events` and records `order.updated`, all in the caller's transaction.
 */
import { recordEvents, type NewEvent } from '@marketplace/runtime';
import { and, eq, type SQLWrapper } from 'drizzle-orm';
import type { OrderLineStatus, OrderStatus } from '../__generated__/resolvers-types';
import type { Tx } from '../db/client';
import { orderEvents, orders, outbox, type OrderLineRow, type OrderRow } from '../db/schema';

type Guard = (lines: readonly Pick<OrderLineRow, 'status'>[]) => boolean;

/** Lines still part of the order (cancelled ones no longer count towards "all shipped" etc.). */
const live = (lines: readonly Pick<OrderLineRow, 'status'>[]) => lines.filter((l) => l.status !== 'CANCELLED');
const all = (...statuses: OrderLineStatus[]): Guard => (lines) => live(lines).length > 0 && live(lines).every((l) => statuses.includes(l.status));
const some = (...statuses: OrderLineStatus[]): Guard => (lines) => live(lines).some((l) => statuses.includes(l.status));
const none = (...statuses: OrderLineStatus[]): Guard => (lines) => !some(...statuses)(lines);
const both = (a: Guard, b: Guard): Guard => (lines) => a(lines) && b(lines);
const always: Guard = () => true;

export const ORDER_TRANSITIONS: { readonly [From in OrderStatus]: Partial<Record<OrderStatus, Guard>> } = {
  PENDING_PAYMENT: { CONFIRMED: always, PAYMENT_FAILED: always, CANCELLED: always },
  CONFIRMED: {
    PARTIALLY_SHIPPED: both(some('SHIPPED', 'DELIVERED'), some('CONFIRMED')),
    SHIPPED: both(all('SHIPPED', 'DELIVERED'), none('DELIVERED')),
    // A customer may cancel until a line ships.
    CANCELLED: none('SHIPPED', 'DELIVERED', 'RETURN_REQUESTED', 'RETURNED'),
  },
  PARTIALLY_SHIPPED: {
    SHIPPED: both(all('SHIPPED', 'DELIVERED'), some('SHIPPED')),
    DELIVERED: all('DELIVERED'),
  },
  SHIPPED: { DELIVERED: all('DELIVERED') },
  DELIVERED: { RETURN_REQUESTED: some('RETURN_REQUESTED') },
  RETURN_REQUESTED: {
    // A rejected return, or an approved one that left some lines kept.
    DELIVERED: both(none('RETURN_REQUESTED'), some('DELIVERED')),
    RETURNED: all('RETURNED'),
  },
  RETURNED: {},
  CANCELLED: {},
  PAYMENT_FAILED: {},
};

/** The status an order's lines call for, from where it stands (null: stays as it is). */
export function nextStatus(current: OrderStatus, lines: readonly Pick<OrderLineRow, 'status'>[]): OrderStatus | null {
  const candidates = Object.entries(ORDER_TRANSITIONS[current]) as [OrderStatus, Guard][];
  return candidates.find(([to, guard]) => to !== 'CANCELLED' && to !== 'PAYMENT_FAILED' && guard(lines))?.[0] ?? null;
}

export class InvalidTransition extends Error {
  constructor(
    readonly from: OrderStatus,
    readonly to: OrderStatus,
  ) {
    super(`an order cannot go from ${from} to ${to}`);
  }
}

/**
 * Moves an order to `to` if the table allows it for these lines. The update is conditional on the
 * status read, so two concurrent transitions cannot both apply; the loser gets InvalidTransition.
 * `alsoRecord`: further events of the same change, recorded with `order.updated` in one statement.
 */
export async function transitionOrder(
  tx: Tx,
  order: OrderRow,
  to: OrderStatus,
  lines: readonly Pick<OrderLineRow, 'status'>[],
  note?: string,
  alsoRecord: NewEvent[] = [],
): Promise<OrderRow> {
  const guard = ORDER_TRANSITIONS[order.status][to];
  if (!guard || !guard(lines)) throw new InvalidTransition(order.status, to);
  const [updated] = await tx
    .update(orders)
    .set({ status: to, updatedAt: new Date() })
    .where(and(eq(orders.id, order.id), eq(orders.status, order.status)))
    .returning();
  if (!updated) throw new InvalidTransition(order.status, to);
  await recordOrderUpdate(tx, updated, alsoRecord, [tx.insert(orderEvents).values({ orderId: order.id, status: to, note: note ?? null })]);
  return updated;
}

/**
 * Records that an order changed (status, shipment, refund) for subscribers and other subgraphs.
 * `alongWith`: further writes of the change, sent in the same statement (see `recordEvents`).
 */
export async function recordOrderUpdate(tx: Tx, order: OrderRow, alsoRecord: NewEvent[] = [], alongWith: SQLWrapper[] = []): Promise<void> {
  await recordEvents(tx, outbox, [orderUpdated(order), ...alsoRecord], alongWith);
}

/** The `order.updated` event of an order as it now stands. */
export function orderUpdated(order: Pick<OrderRow, 'id' | 'customerId' | 'status'>): NewEvent {
  return { topic: 'order.updated', key: order.id, payload: { orderId: order.id, customerId: order.customerId, status: order.status } };
}

/** What the events about an order's parcels and returns say of the order (for notifications). */
export function orderReference(order: Pick<OrderRow, 'id' | 'number' | 'customerId' | 'shipCountry' | 'currencyCode'>) {
  return { orderId: order.id, orderNumber: order.number, customerId: order.customerId, shipCountry: order.shipCountry, currencyCode: order.currencyCode };
}
