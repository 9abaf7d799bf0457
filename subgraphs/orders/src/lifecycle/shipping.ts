/**
 * Shipping: each store ships its own confirmed lines in parcels, and a parcel is later marked
 * delivered. The order follows its lines (PARTIALLY_SHIPPED, SHIPPED, DELIVERED).
 */
import { actingSellerId, callInternal, forbidden, InputCheck, isAdmin, isId, logger, userError, type Identity, type NewEvent } from '@marketplace/runtime';
import { and, eq, inArray } from 'drizzle-orm';
import type { ShipOrderLinesInput, UserError, UserErrorCode } from '../__generated__/resolvers-types';
import { db } from '../db/client';
import { orderLines, shipments } from '../db/schema';
import type { OrderParent, ShipmentParent } from '../mappers';
import { decide, findOrder, lockOrder, refuse, settleOrder } from './order-changes';
import { orderReference } from './state-machine';

/** The payload of shipOrderLines and markShipmentDelivered. */
export interface ShipmentChange {
  shipment: ShipmentParent | null;
  order: OrderParent | null;
  userErrors: UserError[];
}

const failure = (...userErrors: UserError[]): ShipmentChange => ({ shipment: null, order: null, userErrors });

export async function shipOrderLines(identity: Identity, input: ShipOrderLinesInput): Promise<ShipmentChange> {
  const sellerId = actingSellerId(identity, ['ORDERS_WRITE']);
  if (!sellerId) throw forbidden('Only a store can ship order lines.');
  const check = new InputCheck<UserErrorCode>();
  const carrier = check.text(input.carrier, ['input', 'carrier'], { max: 50, label: 'Carrier' });
  const trackingNumber = check.text(input.trackingNumber, ['input', 'trackingNumber'], { max: 100, label: 'Tracking number' });
  const lineIds = [...new Set(input.lineIds)];
  if (lineIds.length === 0) check.add('INVALID_INPUT', 'Choose at least one line to ship.', ['input', 'lineIds']);
  if (!check.ok) return failure(...check.errors);

  const order = await findOrder(input.orderId);
  if (!order) return failure(userError('NOT_FOUND', 'No such order.', ['input', 'orderId']));
  const lines = await db.select().from(orderLines).where(eq(orderLines.orderId, order.id));
  const parcel = lines.filter((l) => lineIds.includes(l.id));
  if (parcel.length !== lineIds.length) return failure(userError('NOT_FOUND', 'Some of these lines are not in this order.', ['input', 'lineIds']));
  if (parcel.some((l) => l.sellerId !== sellerId)) throw forbidden('A store ships only its own lines.');
  if (parcel.some((l) => l.status !== 'CONFIRMED')) {
    return failure(userError('INVALID_STATE', 'Only confirmed lines that have not shipped yet can be shipped.', ['input', 'lineIds']));
  }

  // Before the transaction, and idempotent: a retry after a crash between these calls and the
  // commit below repeats nothing. The money is taken when the first parcel leaves.
  if (order.status === 'CONFIRMED') {
    try {
      await callInternal('payments', 'capturePayment', { orderId: order.id, amount: order.total });
    } catch (err) {
      logger.warn({ err, orderId: order.id }, 'capture at first shipment failed');
      return failure(userError('PAYMENT_DECLINED', 'The payment could not be captured, so nothing was shipped.', ['input', 'orderId']));
    }
  }
  await callInternal('inventory', 'shipReservedStock', { orderId: order.id, variantIds: parcel.map((l) => l.variantId) });

  const decision = await decide(async (tx) => {
    const locked = await lockOrder(tx, order.id);
    const [shipment] = await tx.insert(shipments).values({ orderId: order.id, sellerId, carrier, trackingNumber, status: 'SHIPPED' }).returning();
    const shipped = await tx
      .update(orderLines)
      .set({ status: 'SHIPPED', shipmentId: shipment!.id })
      .where(and(inArray(orderLines.id, lineIds), eq(orderLines.status, 'CONFIRMED')))
      .returning({ id: orderLines.id });
    // A concurrent request shipped (or the customer cancelled) some of them since they were read.
    if (shipped.length !== lineIds.length) refuse('INVALID_STATE', 'Some of these lines are no longer waiting to ship.', ['input', 'lineIds']);
    const sent: NewEvent = {
      topic: 'shipment.sent',
      key: order.id,
      payload: {
        ...orderReference(locked),
        shipmentId: shipment!.id,
        sellerId,
        carrier,
        trackingNumber,
        lines: parcel.map((l) => ({ title: l.title, quantity: l.quantity })),
      },
    };
    return { shipment: shipment!, order: await settleOrder(tx, locked, undefined, [sent]) };
  });
  if ('refused' in decision) return failure(decision.refused);
  // The store sees the order as it sees it everywhere: only its own lines.
  return {
    shipment: { ...decision.done.shipment, viewerSellerId: sellerId },
    order: { ...decision.done.order, viewerSellerId: sellerId },
    userErrors: [],
  };
}

export async function markShipmentDelivered(identity: Identity, shipmentId: string): Promise<ShipmentChange> {
  const [shipment] = isId(shipmentId) ? await db.select().from(shipments).where(eq(shipments.id, shipmentId)) : [];
  if (!shipment) return failure(userError('NOT_FOUND', 'No such shipment.', ['shipmentId']));
  const operator = isAdmin(identity);
  const viewerSellerId = operator ? null : actingSellerId(identity, ['ORDERS_WRITE']);
  if (!operator && viewerSellerId !== shipment.sellerId) throw forbidden('Only the store that shipped a parcel can mark it delivered.');

  const decision = await decide(async (tx) => {
    const order = await lockOrder(tx, shipment.orderId);
    const [delivered] = await tx
      .update(shipments)
      .set({ status: 'DELIVERED', deliveredAt: new Date() })
      .where(and(eq(shipments.id, shipment.id), eq(shipments.status, 'SHIPPED')))
      .returning();
    if (!delivered) refuse('INVALID_STATE', 'This shipment was marked delivered already.', ['shipmentId']);
    const lines = await tx
      .update(orderLines)
      .set({ status: 'DELIVERED' })
      .where(and(eq(orderLines.shipmentId, shipment.id), eq(orderLines.status, 'SHIPPED')))
      .returning({ title: orderLines.title, quantity: orderLines.quantity });
    const arrived: NewEvent = {
      topic: 'shipment.delivered',
      key: order.id,
      payload: {
        ...orderReference(order),
        shipmentId: delivered.id,
        sellerId: delivered.sellerId,
        carrier: delivered.carrier,
        trackingNumber: delivered.trackingNumber,
        deliveredAt: delivered.deliveredAt!.toISOString(),
        lines,
      },
    };
    return { shipment: delivered, order: await settleOrder(tx, order, undefined, [arrived]) };
  });
  if ('refused' in decision) return failure(decision.refused);
  return {
    shipment: { ...decision.done.shipment, viewerSellerId },
    order: { ...decision.done.order, viewerSellerId },
    userErrors: [],
  };
}
