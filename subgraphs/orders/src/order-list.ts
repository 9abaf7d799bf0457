/** Lists of orders (an operator's, a customer's, a store's): newest first, keyset-paginated, lazily answered. */
import { badUserInput, decodeCursor, encodeCursor, isId, pageSize } from '@marketplace/runtime';
import { and, count, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { OrderStatus } from './__generated__/resolvers-types';
import type { Db } from './db/client';
import { orderLines, orders, type OrderRow } from './db/schema';

export interface OrderList {
  where: SQL | undefined;
  size: number;
  after: [string, string] | null;
  /** Set when a store lists its orders: each shows only its lines. */
  viewerSellerId: string | null;
  memo: { page?: Promise<OrderRow[]> };
}

export function orderList(args: {
  first?: number | null;
  after?: string | null;
  status?: OrderStatus | null;
  customerId?: string;
  sellerId?: string;
}): OrderList {
  const after = decodeCursor(args.after);
  if (after && (after.length !== 2 || !isId(after[1]))) throw badUserInput('after is not a cursor returned by this list.');
  const conditions: (SQL | undefined)[] = [args.status ? eq(orders.status, args.status) : undefined];
  if (args.customerId) conditions.push(isId(args.customerId) ? eq(orders.customerId, args.customerId) : sql`false`);
  if (args.sellerId) {
    conditions.push(
      isId(args.sellerId)
        ? sql`exists (select 1 from ${orderLines} where ${orderLines.orderId} = ${orders.id} and ${orderLines.sellerId} = ${args.sellerId})`
        : sql`false`,
    );
  }
  return {
    where: and(...conditions),
    size: pageSize(args.first),
    after: after as [string, string] | null,
    viewerSellerId: args.sellerId ?? null,
    memo: {},
  };
}

function page(db: Db, list: OrderList): Promise<OrderRow[]> {
  list.memo.page ??= db
    .select()
    .from(orders)
    .where(
      and(
        list.where,
        list.after ? sql`(${orders.placedAt}, ${orders.id}) < (${list.after[0]}::timestamptz, ${list.after[1]}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(orders.placedAt), desc(orders.id))
    .limit(list.size + 1);
  return list.memo.page;
}

const cursorOf = (o: OrderRow) => encodeCursor([o.placedAt.toISOString(), o.id]);

export async function orderEdges(db: Db, list: OrderList) {
  const rows = (await page(db, list)).slice(0, list.size);
  return rows.map((o) => ({ cursor: cursorOf(o), node: { ...o, viewerSellerId: list.viewerSellerId } }));
}

export async function orderPageInfo(db: Db, list: OrderList) {
  const rows = await page(db, list);
  const last = rows.slice(0, list.size).at(-1);
  return { hasNextPage: rows.length > list.size, endCursor: last ? cursorOf(last) : null };
}

export async function orderCount(db: Db, list: OrderList): Promise<number> {
  const [row] = await db.select({ n: count() }).from(orders).where(list.where);
  return row!.n;
}
