/** Lists of orders (an operator's, a customer's, a store's): newest first, keyset-paginated, lazily answered. */
import { badUserInput, decodeCursor, encodeCursor, isId, pageSize } from '@marketplace/runtime';
import { and, count, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { OrderStatus } from './__generated__/resolvers-types';
import type { Context } from './context';
import { orderLines, orders, type OrderRow } from './db/schema';

export interface OrderList {
  where: SQL | undefined;
  size: number;
  /** placed_at (ISO) and id of the last order of the previous page. */
  after: [string, string] | null;
  /** Set when a store's orders are listed: each shows only its lines. */
  viewerSellerId: string | null;
  /** The page is fetched once, whether edges, pageInfo or both are asked for. */
  memo: { page?: Promise<OrderRow[]> };
}

function afterCursor(cursor: string | null | undefined): [string, string] | null {
  const values = decodeCursor(cursor);
  if (!values) return null;
  const [placedAt, id] = values;
  if (values.length !== 2 || typeof placedAt !== 'string' || Number.isNaN(Date.parse(placedAt)) || !isId(id)) {
    throw badUserInput('after is not a cursor returned by this list.');
  }
  return [placedAt, id];
}

export function orderList(args: {
  first?: number | null;
  after?: string | null;
  status?: OrderStatus | null;
  customerId?: string;
  sellerId?: string;
}): OrderList {
  const conditions: (SQL | undefined)[] = [args.status ? eq(orders.status, args.status) : undefined];
  if (args.customerId !== undefined) conditions.push(isId(args.customerId) ? eq(orders.customerId, args.customerId) : sql`false`);
  if (args.sellerId !== undefined) {
    conditions.push(
      isId(args.sellerId)
        ? sql`exists (select 1 from ${orderLines} where ${orderLines.orderId} = ${orders.id} and ${orderLines.sellerId} = ${args.sellerId})`
        : sql`false`,
    );
  }
  return {
    where: and(...conditions),
    size: pageSize(args.first),
    after: afterCursor(args.after),
    viewerSellerId: args.sellerId ?? null,
    memo: {},
  };
}

function page({ db, loaders }: Context, list: OrderList): Promise<OrderRow[]> {
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
    .limit(list.size + 1)
    .then((rows) => {
      // Lines ask for their order (for its currency): they find it here instead of in SQL.
      for (const row of rows) loaders.orderById.prime(row.id, row);
      return rows;
    });
  return list.memo.page;
}

const cursorOf = (o: OrderRow) => encodeCursor([o.placedAt.toISOString(), o.id]);

export async function orderEdges(ctx: Context, list: OrderList) {
  const rows = (await page(ctx, list)).slice(0, list.size);
  return rows.map((o) => ({ cursor: cursorOf(o), node: { ...o, viewerSellerId: list.viewerSellerId } }));
}

export async function orderPageInfo(ctx: Context, list: OrderList) {
  const rows = await page(ctx, list);
  const last = rows.slice(0, list.size).at(-1);
  return { hasNextPage: rows.length > list.size, endCursor: last ? cursorOf(last) : null };
}

export async function orderCount({ db }: Context, list: OrderList): Promise<number> {
  const [row] = await db.select({ n: count() }).from(orders).where(list.where);
  return row!.n;
}
