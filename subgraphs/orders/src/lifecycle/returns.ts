/**
 * Returns: a customer asks to return delivered lines within the return window; an operator
 * approves (the lines' value is refunded and their units go back on hand) or rejects the request.
 */
import { callInternal, forbidden, InputCheck, isId, logger, requireUser, userError, type Identity, type NewEvent } from '@marketplace/runtime';
import { and, eq, inArray } from 'drizzle-orm';
import type { UserError, UserErrorCode } from '../__generated__/resolvers-types';
import { db, type Tx } from '../db/client';
import { orderLines, returnRequestLines, returnRequests, shipments, type OrderRow, type ReturnRequestRow } from '../db/schema';
import type { OrderParent, ReturnRequestParent } from '../mappers';
import { decide, findOrder, lockOrder, refuse, settleOrder } from './order-changes';
import { orderReference } from './state-machine';

/** A line of a return as its event tells it (the seller hears of its own lines). */
interface ReturnedLine {
  sellerId: string;
  title: string;
  quantity: number;
  unitPrice: number;
}

/** `return.updated`: a return requested, approved (with the amount refunded) or rejected (with the note). */
function returnUpdated(order: OrderRow, request: ReturnRequestRow, lines: ReturnedLine[], extra: { refundAmount?: number; note?: string } = {}): NewEvent {
  return {
    topic: 'return.updated',
    key: order.id,
    payload: { ...orderReference(order), returnRequestId: request.id, status: request.status, reason: request.reason, lines, ...extra },
  };
}

const returnedLineColumns = { sellerId: orderLines.sellerId, title: orderLines.title, quantity: orderLines.quantity, unitPrice: orderLines.unitPrice };

/** Lines can be returned for this long after their parcel was delivered. */
export const RETURN_WINDOW_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The payload of requestReturn, approveReturn and rejectReturn. */
export interface ReturnChange {
  returnRequest: ReturnRequestParent | null;
  order: OrderParent | null;
  userErrors: UserError[];
}

const failure = (...userErrors: UserError[]): ReturnChange => ({ returnRequest: null, order: null, userErrors });

export async function requestReturn(identity: Identity, orderId: string, lineIds: readonly string[], reason: string): Promise<ReturnChange> {
  const { userId } = requireUser(identity);
  const check = new InputCheck<UserErrorCode>();
  const why = check.text(reason, ['reason'], { max: 1000, label: 'Reason' });
  const ids = [...new Set(lineIds)];
  if (ids.length === 0) check.add('INVALID_INPUT', 'Choose at least one line to return.', ['lineIds']);
  if (!check.ok) return failure(...check.errors);

  const order = await findOrder(orderId);
  if (!order) return failure(userError('NOT_FOUND', 'No such order.', ['orderId']));
  if (order.customerId !== userId) throw forbidden('Only the order’s customer can return its lines.');
  const lines = await db
    .select({ id: orderLines.id, status: orderLines.status, deliveredAt: shipments.deliveredAt })
    .from(orderLines)
    .leftJoin(shipments, eq(shipments.id, orderLines.shipmentId))
    .where(eq(orderLines.orderId, order.id));
  const returned = lines.filter((l) => ids.includes(l.id));
  if (returned.length !== ids.length) return failure(userError('NOT_FOUND', 'Some of these lines are not in this order.', ['lineIds']));
  // Returns open once the whole order has arrived: before that its status follows the parcels
  // still on their way, and the state machine has no path from there to a return.
  const orderArrived = order.status === 'DELIVERED' || order.status === 'RETURN_REQUESTED';
  if (!orderArrived || returned.some((l) => l.status !== 'DELIVERED')) {
    return failure(userError('INVALID_STATE', 'Only delivered lines that are not being returned already can be returned.', ['lineIds']));
  }
  const windowStart = Date.now() - RETURN_WINDOW_DAYS * DAY_MS;
  if (returned.some((l) => !l.deliveredAt || l.deliveredAt.getTime() < windowStart)) {
    return failure(userError('INVALID_STATE', `Lines can be returned within ${RETURN_WINDOW_DAYS} days of their delivery.`, ['lineIds']));
  }

  const decision = await decide(async (tx) => {
    const locked = await lockOrder(tx, order.id);
    const moved = await tx
      .update(orderLines)
      .set({ status: 'RETURN_REQUESTED' })
      .where(and(inArray(orderLines.id, ids), eq(orderLines.status, 'DELIVERED')))
      .returning({ id: orderLines.id, ...returnedLineColumns });
    // A concurrent request asked to return some of them first.
    if (moved.length !== ids.length) refuse('INVALID_STATE', 'Some of these lines are being returned already.', ['lineIds']);
    const [request] = await tx.insert(returnRequests).values({ orderId: order.id, status: 'REQUESTED', reason: why }).returning();
    await tx.insert(returnRequestLines).values(ids.map((orderLineId) => ({ returnRequestId: request!.id, orderLineId })));
    const requested = returnUpdated(locked, request!, moved.map(({ id: _id, ...line }) => line));
    return { request: request!, order: await settleOrder(tx, locked, undefined, [requested]) };
  });
  if ('refused' in decision) return failure(decision.refused);
  return { returnRequest: { ...decision.done.request, viewerSellerId: null }, order: { ...decision.done.order, viewerSellerId: null }, userErrors: [] };
}

/**
 * Decides a waiting request with a conditional UPDATE: of two operators deciding at once, exactly
 * one wins. The row stays locked until the transaction ends, so the other waits, then finds it
 * decided (or, if the winner rolled back, still waiting).
 */
async function decideRequest(tx: Tx, returnRequestId: string, status: 'APPROVED' | 'REJECTED'): Promise<ReturnRequestRow> {
  const [decided] = await tx
    .update(returnRequests)
    .set({ status, decidedAt: new Date() })
    .where(and(eq(returnRequests.id, returnRequestId), eq(returnRequests.status, 'REQUESTED')))
    .returning();
  if (decided) return decided;
  const [existing] = await tx.select({ status: returnRequests.status }).from(returnRequests).where(eq(returnRequests.id, returnRequestId));
  if (!existing) refuse('NOT_FOUND', 'No such return request.', ['returnRequestId']);
  return refuse('INVALID_STATE', `This return request was ${existing.status.toLowerCase()} already.`, ['returnRequestId']);
}

export async function approveReturn(returnRequestId: string): Promise<ReturnChange> {
  if (!isId(returnRequestId)) return failure(userError('NOT_FOUND', 'No such return request.', ['returnRequestId']));
  const decision = await decide(async (tx) => {
    const request = await decideRequest(tx, returnRequestId, 'APPROVED');
    const lines = await tx
      .select({ id: orderLines.id, variantId: orderLines.variantId, ...returnedLineColumns })
      .from(returnRequestLines)
      .innerJoin(orderLines, eq(orderLines.id, returnRequestLines.orderLineId))
      .where(eq(returnRequestLines.returnRequestId, request.id));
    // The lines' value as bought; shipping is not refunded.
    const amount = lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
    // Made while the request is held, so a racing decision waits; both are idempotent by the
    // request, so a retry after a failure or crash before the commit refunds and restocks once.
    const idempotencyKey = `return:${request.id}`;
    try {
      await callInternal('payments', 'refundOrderPayment', { orderId: request.orderId, amount, reason: request.reason, idempotencyKey });
    } catch (err) {
      logger.warn({ err, returnRequestId: request.id }, 'refund of a return failed');
      refuse('PAYMENT_DECLINED', 'The refund could not be made, so the return was not approved. Try again shortly.', ['returnRequestId']);
    }
    await callInternal('inventory', 'restockReturned', {
      orderId: request.orderId,
      lines: lines.map(({ variantId, quantity }) => ({ variantId, quantity })),
      idempotencyKey,
    });
    const order = await lockOrder(tx, request.orderId);
    await tx
      .update(orderLines)
      .set({ status: 'RETURNED' })
      .where(inArray(orderLines.id, lines.map((l) => l.id)));
    const approved = returnUpdated(order, request, lines.map(({ id: _id, variantId: _variant, ...line }) => line), { refundAmount: amount });
    return { request, order: await settleOrder(tx, order, undefined, [approved]) };
  });
  if ('refused' in decision) return failure(decision.refused);
  return { returnRequest: { ...decision.done.request, viewerSellerId: null }, order: { ...decision.done.order, viewerSellerId: null }, userErrors: [] };
}

export async function rejectReturn(returnRequestId: string, note: string | null | undefined): Promise<ReturnChange> {
  const check = new InputCheck<UserErrorCode>();
  const explanation = check.optionalText(note, ['note'], { max: 1000, label: 'Note' });
  if (!check.ok) return failure(...check.errors);
  if (!isId(returnRequestId)) return failure(userError('NOT_FOUND', 'No such return request.', ['returnRequestId']));
  const decision = await decide(async (tx) => {
    const request = await decideRequest(tx, returnRequestId, 'REJECTED');
    const order = await lockOrder(tx, request.orderId);
    const requestedLines = tx
      .select({ id: returnRequestLines.orderLineId })
      .from(returnRequestLines)
      .where(eq(returnRequestLines.returnRequestId, request.id));
    const kept = await tx
      .update(orderLines)
      .set({ status: 'DELIVERED' })
      .where(and(inArray(orderLines.id, requestedLines), eq(orderLines.status, 'RETURN_REQUESTED')))
      .returning(returnedLineColumns);
    const rejected = returnUpdated(order, request, kept, explanation ? { note: explanation } : {});
    return { request, order: await settleOrder(tx, order, explanation ?? undefined, [rejected]) };
  });
  if ('refused' in decision) return failure(decision.refused);
  return { returnRequest: { ...decision.done.request, viewerSellerId: null }, order: { ...decision.done.order, viewerSellerId: null }, userErrors: [] };
}
