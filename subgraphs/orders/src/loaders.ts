import DataLoader from 'dataloader';
import { alignByKey, callInternal, groupByKey, isAnyOf, isId, preparedStatement, type VariantSummary } from '@marketplace/runtime';
import { and, asc, desc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Db } from './db/client';
import { cartLines, carts, orderEvents, orderLines, orders, returnRequestLines, returnRequests, shipments } from './db/schema';
import { PURCHASED_STATUSES } from './order-status';

const ids = (keys: readonly string[]) => keys.filter(isId);

// Each hop's statement, built once per database: `ids` is the batch's keys.
const ordersByIds = preparedStatement((db: Db) => db.select().from(orders).where(isAnyOf(orders.id, 'ids')).prepare('orders:ordersByIds'));
const linesOfOrders = preparedStatement((db: Db) =>
  db.select().from(orderLines).where(isAnyOf(orderLines.orderId, 'ids')).orderBy(asc(orderLines.position)).prepare('orders:linesOfOrders'),
);
const linesOfShipments = preparedStatement((db: Db) =>
  db.select().from(orderLines).where(isAnyOf(orderLines.shipmentId, 'ids')).orderBy(asc(orderLines.position)).prepare('orders:linesOfShipments'),
);
const linesOfReturnRequests = preparedStatement((db: Db) =>
  db
    .select({ requestId: returnRequestLines.returnRequestId, line: orderLines })
    .from(returnRequestLines)
    .innerJoin(orderLines, eq(orderLines.id, returnRequestLines.orderLineId))
    .where(isAnyOf(returnRequestLines.returnRequestId, 'ids'))
    .orderBy(asc(orderLines.position))
    .prepare('orders:linesOfReturnRequests'),
);
const shipmentsOfOrders = preparedStatement((db: Db) =>
  db.select().from(shipments).where(isAnyOf(shipments.orderId, 'ids')).orderBy(asc(shipments.shippedAt)).prepare('orders:shipmentsOfOrders'),
);
const eventsOfOrders = preparedStatement((db: Db) =>
  db.select().from(orderEvents).where(isAnyOf(orderEvents.orderId, 'ids')).orderBy(asc(orderEvents.id)).prepare('orders:eventsOfOrders'),
);
const returnRequestsOfOrders = preparedStatement((db: Db) =>
  db
    .select()
    .from(returnRequests)
    .where(isAnyOf(returnRequests.orderId, 'ids'))
    .orderBy(asc(returnRequests.createdAt))
    .prepare('orders:returnRequestsOfOrders'),
);
const cartsOfCustomers = preparedStatement((db: Db) => db.select().from(carts).where(isAnyOf(carts.customerId, 'ids')).prepare('orders:cartsOfCustomers'));
const linesOfCarts = preparedStatement((db: Db) =>
  db
    .select()
    .from(cartLines)
    .where(isAnyOf(cartLines.cartId, 'ids'))
    .orderBy(desc(cartLines.addedAt), asc(cartLines.id))
    .prepare('orders:linesOfCarts'),
);
const revenueOfSellers = preparedStatement((db: Db) =>
  db
    .select({
      sellerId: orderLines.sellerId,
      currencyCode: orders.currencyCode,
      amount: sql<number>`sum(${orderLines.unitPrice} * ${orderLines.quantity})::bigint`.mapWith(Number),
    })
    .from(orderLines)
    .innerJoin(orders, eq(orders.id, orderLines.orderId))
    .where(
      and(
        isAnyOf(orderLines.sellerId, 'ids'),
        inArray(orders.status, PURCHASED_STATUSES),
        notInArray(orderLines.status, ['PENDING', 'CANCELLED', 'RETURNED']),
      ),
    )
    .groupBy(orderLines.sellerId, orders.currencyCode)
    .prepare('orders:revenueOfSellers'),
);
/** Per product (`ids`), the products bought in the same orders, most often first, at most 50. */
const coPurchasesOfProducts = preparedStatement((db: Db) =>
  db
    .select({ productId: sql<string>`product_id`, otherId: sql<string>`other_id`, orders: sql<number>`orders` })
    .from(sql`(
      select a.product_id, b.product_id as other_id, count(distinct a.order_id)::int as orders,
             row_number() over (partition by a.product_id order by count(distinct a.order_id) desc, b.product_id) as rank
      from ${orderLines} a
      join ${orderLines} b on b.order_id = a.order_id and b.product_id <> a.product_id
      join ${orders} o on o.id = a.order_id
      where a.product_id = any(${sql.placeholder('ids')}) and o.status in ${PURCHASED_STATUSES}
      group by a.product_id, b.product_id
    ) as ranked`)
    .where(sql`rank <= 50`)
    .orderBy(sql`product_id`, sql`rank`)
    .prepare('orders:coPurchases'),
);

/** Per-request batch loaders: one statement (or internal call) per hop, however many items a response lists. */
export function createLoaders(db: Db) {
  return {
    orderById: new DataLoader(async (keys: readonly string[]) => {
      const valid = ids(keys);
      return alignByKey(keys, valid.length ? await ordersByIds(db).execute({ ids: valid }) : [], (r) => r.id);
    }),
    linesByOrderId: new DataLoader(async (orderIds: readonly string[]) => {
      const rows = await linesOfOrders(db).execute({ ids: orderIds });
      return groupByKey(orderIds, rows, (r) => r.orderId);
    }),
    linesByShipmentId: new DataLoader(async (shipmentIds: readonly string[]) => {
      const rows = await linesOfShipments(db).execute({ ids: shipmentIds });
      return groupByKey(shipmentIds, rows, (r) => r.shipmentId!);
    }),
    linesByReturnRequestId: new DataLoader(async (requestIds: readonly string[]) => {
      const rows = await linesOfReturnRequests(db).execute({ ids: requestIds });
      return groupByKey(requestIds, rows, (r) => r.requestId).map((group) => group.map((r) => r.line));
    }),
    shipmentsByOrderId: new DataLoader(async (orderIds: readonly string[]) => {
      const rows = await shipmentsOfOrders(db).execute({ ids: orderIds });
      return groupByKey(orderIds, rows, (r) => r.orderId);
    }),
    eventsByOrderId: new DataLoader(async (orderIds: readonly string[]) => {
      const rows = await eventsOfOrders(db).execute({ ids: orderIds });
      return groupByKey(orderIds, rows, (r) => r.orderId);
    }),
    returnRequestsByOrderId: new DataLoader(async (orderIds: readonly string[]) => {
      const rows = await returnRequestsOfOrders(db).execute({ ids: orderIds });
      return groupByKey(orderIds, rows, (r) => r.orderId);
    }),
    cartByCustomerId: new DataLoader(async (customerIds: readonly string[]) => {
      const valid = ids(customerIds);
      return alignByKey(customerIds, valid.length ? await cartsOfCustomers(db).execute({ ids: valid }) : [], (r) => r.customerId);
    }),
    cartLinesByCartId: new DataLoader(async (cartIds: readonly string[]) => {
      const rows = await linesOfCarts(db).execute({ ids: cartIds });
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
      const rows = valid.length ? await revenueOfSellers(db).execute({ ids: valid }) : [];
      return groupByKey(sellerIds, rows, (r) => r.sellerId);
    }),
    /** Products bought in the same orders as each product, in one statement for all products of the request. */
    coPurchases: new DataLoader(async (productIds: readonly string[]) => {
      const valid = ids(productIds);
      if (valid.length === 0) return productIds.map(() => []);
      const rows = await coPurchasesOfProducts(db).execute({ ids: valid });
      return groupByKey(productIds, rows, (r) => r.productId);
    }),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
