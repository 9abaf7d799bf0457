/**
 * What the lifecycle mutations share: reading and locking an order, settling it on what its lines
 * call for, and transactions that answer a userError instead of half-applying.
 */
import { isId, userError, type NewEvent } from '@marketplace/runtime';
import { eq } from 'drizzle-orm';
import type { UserError, UserErrorCode } from '../__generated__/resolvers-types';
import { db, type Tx } from '../db/client';
import { orderLines, orders, type OrderRow } from '../db/schema';
import { InvalidTransition, nextStatus, recordOrderUpdate, transitionOrder } from './state-machine';

/** Thrown inside `decide` to roll its transaction back and answer `error` instead. */
class Refusal extends Error {
  constructor(readonly error: UserError) {
    super(error.message);
  }
}

export function refuse(code: UserErrorCode, message: string, field?: string[]): never {
  throw new Refusal(userError(code, message, field));
}

type Decision<T> = { done: T } | { refused: UserError };

/**
 * Runs `work` in one transaction. A refusal, or a transition the state machine no longer allows
 * (a concurrent change won), rolls everything back and becomes the answer.
 */
export async function decide<T>(work: (tx: Tx) => Promise<T>): Promise<Decision<T>> {
  try {
    return { done: await db.transaction(work) };
  } catch (err) {
    if (err instanceof Refusal) return { refused: err.error };
    if (err instanceof InvalidTransition) return { refused: userError('INVALID_STATE', `The order is ${err.from} and cannot become ${err.to}.`) };
    throw err;
  }
}

/** The order with this id, or null (malformed ids included). */
export async function findOrder(orderId: string): Promise<OrderRow | null> {
  if (!isId(orderId)) return null;
  const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
  return order ?? null;
}

/** The order, locked until the transaction ends, so changes to one order's lines apply one at a time. */
export async function lockOrder(tx: Tx, orderId: string): Promise<OrderRow> {
  const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update');
  // Orders are never deleted, and every caller got this id from a row referencing the order.
  return order!;
}

/**
 * After some of an order's lines changed: moves the order to the status its lines now call for
 * (appending the event), or records the change for subscribers when the status stays.
 * `alsoRecord`: events of the change itself (a shipment sent, a return decided), recorded with it.
 */
export async function settleOrder(tx: Tx, order: OrderRow, note?: string, alsoRecord: NewEvent[] = []): Promise<OrderRow> {
  const lines = await tx.select({ status: orderLines.status }).from(orderLines).where(eq(orderLines.orderId, order.id));
  const to = nextStatus(order.status, lines);
  if (to) return transitionOrder(tx, order, to, lines, note, alsoRecord);
  await recordOrderUpdate(tx, order, alsoRecord);
  return order;
}
