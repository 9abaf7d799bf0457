import { actingSellerId, isAdmin, type Identity } from '@marketplace/runtime';
import type { OrderRow } from './db/schema';
import type { Loaders } from './loaders';
import type { OrderParent } from './mappers';

/**
 * An order as the caller may see it: whole to its customer, operators and our services; to a
 * store with at least one line in it (acting with ORDERS_READ), showing only that store's lines;
 * to anyone else not at all.
 */
export async function orderAsSeenBy(identity: Identity, loaders: Loaders, order: OrderRow | null): Promise<OrderParent | null> {
  if (!order) return null;
  if (identity.kind === 'service' || isAdmin(identity)) return { ...order, viewerSellerId: null };
  if (identity.kind === 'user' && identity.userId === order.customerId) return { ...order, viewerSellerId: null };
  const sellerId = actingSellerId(identity, ['ORDERS_READ']);
  if (!sellerId) return null;
  const lines = await loaders.linesByOrderId.load(order.id);
  return lines.some((line) => line.sellerId === sellerId) ? { ...order, viewerSellerId: sellerId } : null;
}
