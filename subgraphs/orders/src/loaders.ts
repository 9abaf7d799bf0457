import DataLoader from 'dataloader';
import { alignByKey, callInternal, groupByKey, isId, type VariantSummary } from '@marketplace/runtime';
import { and, asc, desc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Db } from './db/client';
import { cartLines, carts, orderEvents, orderLines, orders, returnRequestLines, returnRequests, shipments } from './db/schema';
import { PURCHASED_STATUSES } from './order-status';

const ids = (keys: readonly string[]) => keys.filter(isId);

/** Per-request batch loaders: one statement (or internal call) per hop, however many items a response lists. */
export function createLoaders(db: Db) {
  return {
    orderById: new DataLoader(async (keys: readonly string[]) => {
      const valid = ids(keys);
      return alignByKey(keys, valid.length ? await db.select().from(orders).where(inArray(orders.id, valid)) : [], (r) => r.id);
    }),
    linesByOrderId: new DataLoader(async (orderIds: readonly string[]) => {
      const rows = await db.select().from(orderLines).where(inArray(orderLines.orderId, [...orderIds])).orderBy(asc(orderLines.position));
      return groupByKey(orderIds, rows, (r) => r.orderId);
    }),
    linesByShipmentId: new DataLoader(async (shipmentIds: readonly string[]) => {
      const rows = await db.select().from(orderLines).where(inArray(orderLines.shipmentId, [...shipmentIds])).orderBy(asc(orderLines.position));
      return groupByKey(shipmentIds, rows, (r) => r.shipmentId!);
    }),
    linesByReturnRequestId: new DataLoader(async (requestIds: readonly string[]) => {
      const rows = await db
        .select({ requestId: returnRequestLines.returnRequestId, line: orderLines })
        .from(returnRequestLines)
        .innerJoin(orderLines, eq(orderLines.id, returnRequestLines.orderLineId))
        .where(inArray(returnRequestLines.returnRequestId, [...requestIds]))
        .orderBy(asc(orderLines.position));
      return groupByKey(requestIds, rows, (r) => r.requestId).map((group) => group.map((r) => r.line));
    }),
    shipmentsByOrderId: new DataLoader(async (orderIds: readonly string[]) => {
      const rows = await db.select().from(shipments).where(inArray(shipments.orderId, [...orderIds])).orderBy(asc(shipments.shippedAt));
      return groupByKey(orderIds, rows, (r) => r.orderId);
    }),
    eventsByOrderId: new DataLoader(async (orderIds: readonly string[]) => {
      const rows = await db.select().from(orderEvents).where(inArray(orderEvents.orderId, [...orderIds])).orderBy(asc(orderEvents.id));
      return groupByKey(orderIds, rows, (r) => r.orderId);
    }),
    returnRequestsByOrderId: new DataLoader(async (orderIds: readonly string[]) => {
      const rows = await db.select().from(returnRequests).where(inArray(returnRequests.orderId, [...orderIds])).orderBy(asc(returnRequests.createdAt));
      return groupByKey(orderIds, rows, (r) => r.orderId);
    }),
    cartByCustomerId: new DataLoader(async (customerIds: readonly string[]) => {
      const valid = ids(customerIds);
      return alignByKey(customerIds, valid.length ? await db.select().from(carts).where(inArray(carts.customerId, valid)) : [], (r) => r.customerId);
    }),
    cartLinesByCartId: new DataLoader(async (cartIds: readonly string[]) => {
      const rows = await db
        .select()
        .from(cartLines)
        .where(inArray(cartLines.cartId, [...cartIds]))
        .orderBy(desc(cartLines.addedAt), asc(cartLines.id));
      return groupByKey(cartIds, rows, (r) => r.cartId);
    }),
    /** Current catalog data of variants (price, title, status), one internal call per request. */
    variantSummary: new DataLoader(async (variantIds: readonly string[]) => {
      const summaries = await callInternal('products', 'variantsByIds', { ids: [...variantIds] });
      return alignByKey<string, VariantSummary>(variantIds, summaries, (s) => s.id);
    }),
    /** Which products are ACTIVE, one internal call per request. */
    productIsActive: new DataLoader(async (productIds: readonly string[]) => {
      const summaries = await callInternal('products', 'productsByIds', { ids: [...productIds] });
      const active = new Set(summaries.filter((p) => p.status === 'ACTIVE').map((p) => p.id));
      return productIds.map((id) => active.has(id));
    }),
    /** A store's revenue: its bought lines, minus what was cancelled or returned. */
    revenueBySellerId: new DataLoader(async (sellerIds: readonly string[]) => {
      const valid = ids(sellerIds);
      const rows = valid.length
        ? await db
            .select({
              sellerId: orderLines.sellerId,
              currencyCode: orders.currencyCode,
              amount: sql<number>`sum(${orderLines.unitPrice} * ${orderLines.quantity})::bigint`.mapWith(Number),
            })
            .from(orderLines)
            .innerJoin(orders, eq(orders.id, orderLines.orderId))
            .where(
              and(
                inArray(orderLines.sellerId, valid),
                inArray(orders.status, PURCHASED_STATUSES),
                notInArray(orderLines.status, ['PENDING', 'CANCELLED', 'RETURNED']),
              ),
            )
            .groupBy(orderLines.sellerId, orders.currencyCode)
        : [];
      return groupByKey(sellerIds, rows, (r) => r.sellerId);
    }),
    /**
     * Products bought in the same orders as each product, most often first (at most 50 per
     * product), in one statement for all products of the request.
     */
    coPurchases: new DataLoader(async (productIds: readonly string[]) => {
      const valid = ids(productIds);
      if (valid.length === 0) return productIds.map(() => []);
      const rows = await db.execute<{ product_id: string; other_id: string; orders: number }>(sql`
        select product_id, other_id, orders from (
          select a.product_id, b.product_id as other_id, count(distinct a.order_id)::int as orders,
                 row_number() over (partition by a.product_id order by count(distinct a.order_id) desc, b.product_id) as rank
          from ${orderLines} a
          join ${orderLines} b on b.order_id = a.order_id and b.product_id <> a.product_id
          join ${orders} o on o.id = a.order_id
          where a.product_id in ${valid} and o.status in ${PURCHASED_STATUSES}
          group by a.product_id, b.product_id
        ) ranked where rank <= 50 order by product_id, rank`);
      return groupByKey(productIds, [...rows], (r) => r.product_id);
    }),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
