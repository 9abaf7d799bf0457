/**
 * Cancelling an order until a line ships: the payment authorization is voided, the reserved stock
 * released, and the order and every line become CANCELLED.
 */
import { callInternal, forbidden, isAdmin, requireUser, userError, type Identity } from '@marketplace/runtime';
import { eq } from 'drizzle-orm';
import type { UserError } from '../__generated__/resolvers-types';
import { db } from '../db/client';
import { orderLines, type OrderLineRow, type OrderRow } from '../db/schema';
import type { OrderParent } from '../mappers';
import { decide, findOrder, lockOrder } from './order-changes';
import { ORDER_TRANSITIONS, transitionOrder } from './state-machine';

/** The payload of cancelOrder. */
export interface OrderChange {
  order: OrderParent | null;
  userErrors: UserError[];
}

const failure = (error: UserError): OrderChange => ({ order: null, userErrors: [error] });
/** Payment statuses reached only through a capture, which the first shipment makes. */
const CAPTURED = ['CAPTURED', 'PARTIALLY_REFUNDED', 'REFUNDED'];

const mayCancel = (order: OrderRow, lines: readonly Pick<OrderLineRow, 'status'>[]) => ORDER_TRANSITIONS[order.status].CANCELLED?.(lines) ?? false;

export async function cancelOrder(identity: Identity, orderId: string): Promise<OrderChange> {
  const { userId } = requireUser(identity);
  const order = await findOrder(orderId);
  if (!order) return failure(userError('NOT_FOUND', 'No such order.', ['orderId']));
  if (order.customerId !== userId && !isAdmin(identity)) throw forbidden('Only the order’s customer and operators can cancel it.');
  // Checkout still owns an order awaiting payment: it confirms it or closes it itself.
  if (order.status === 'PENDING_PAYMENT') return failure(userError('INVALID_STATE', 'The order is still being placed; try again in a moment.', ['orderId']));
  const lines = await db.select({ status: orderLines.status }).from(orderLines).where(eq(orderLines.orderId, order.id));
  if (!mayCancel(order, lines)) return failure(userError('INVALID_STATE', 'Only an order none of whose lines has shipped can be cancelled.', ['orderId']));

  // Voiding first makes payments the referee: it serializes the void with the capture made at a
  // first shipment, so exactly one of them succeeds and the loser has changed nothing. Both calls
  // are idempotent, so a retry after a crash before the commit below is safe.
  try {
    await callInternal('payments', 'voidPayment', { orderId: order.id });
  } catch (err) {
    const payment = await callInternal('payments', 'paymentStatus', { orderId: order.id }).catch(() => null);
    if (payment && CAPTURED.includes(payment.status)) {
      return failure(userError('INVALID_STATE', 'A store has started shipping this order, so it can no longer be cancelled.', ['orderId']));
    }
    throw err;
  }
  await callInternal('inventory', 'releaseReservation', { orderId: order.id });

  const decision = await decide(async (tx) => {
    const locked = await lockOrder(tx, order.id);
    const current = await tx.select({ status: orderLines.status }).from(orderLines).where(eq(orderLines.orderId, order.id));
    const note = order.customerId === userId ? 'Cancelled by the customer.' : 'Cancelled by an operator.';
    // The state machine's guard looks at the lines as they are, before they are cancelled.
    const cancelled = await transitionOrder(tx, locked, 'CANCELLED', current, note);
    await tx.update(orderLines).set({ status: 'CANCELLED' }).where(eq(orderLines.orderId, order.id));
    return cancelled;
  });
  if ('refused' in decision) return failure(decision.refused);
  return { order: { ...decision.done, viewerSellerId: null }, userErrors: [] };
}
