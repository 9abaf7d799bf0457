/**
 * The orders reviews are listed in, and their keyset cursors. A cursor is the list's name, the
 * sort key values of an edge and its id (the tie-break that makes every order total), so the next
 * page starts exactly after it: no gaps or repeats while reviews are added or voted on.
 */
import { asc, desc, sql, type SQL } from 'drizzle-orm';
import { badUserInput, decodeCursor, isId } from '@marketplace/runtime';
import type { ReviewSort } from './__generated__/resolvers-types';
import { reviews, type ReviewRow } from './db/schema';

type KeyKind = 'int' | 'time' | 'id';
/** Sort key values as cursors carry them: integers, ISO timestamps, ids. */
export type CursorValues = (number | string)[];

export interface ReviewOrder {
  name: ReviewSort | 'OLDEST';
  orderBy: SQL[];
  /** Rows strictly after the row with these key values, in this order. */
  after(values: CursorValues): SQL;
  valuesOf(row: ReviewRow): CursorValues;
  kinds: KeyKind[];
}

const t = reviews;
const time = (v: number | string) => sql`${v}::timestamptz`;
const id = (v: number | string) => sql`${v}::uuid`;
const int = (v: number | string) => sql`${v}::int`;

const newest: ReviewOrder = {
  name: 'NEWEST',
  orderBy: [desc(t.createdAt), desc(t.id)],
  after: ([c, i]) => sql`(${t.createdAt}, ${t.id}) < (${time(c)}, ${id(i)})`,
  valuesOf: (r) => [r.createdAt.toISOString(), r.id],
  kinds: ['time', 'id'],
};

export const REVIEW_ORDERS: Record<ReviewSort, ReviewOrder> = {
  NEWEST: newest,
  MOST_HELPFUL: {
    name: 'MOST_HELPFUL',
    orderBy: [desc(t.helpfulCount), ...newest.orderBy],
    after: ([h, c, i]) =>
      sql`(${t.helpfulCount}, ${t.createdAt}, ${t.id}) < (${int(h)}, ${time(c)}, ${id(i)})`,
    valuesOf: (r) => [r.helpfulCount, ...newest.valuesOf(r)],
    kinds: ['int', 'time', 'id'],
  },
  RATING_DESC: {
    name: 'RATING_DESC',
    orderBy: [desc(t.rating), ...newest.orderBy],
    after: ([s, c, i]) => sql`(${t.rating}, ${t.createdAt}, ${t.id}) < (${int(s)}, ${time(c)}, ${id(i)})`,
    valuesOf: (r) => [r.rating, ...newest.valuesOf(r)],
    kinds: ['int', 'time', 'id'],
  },
  RATING_ASC: {
    name: 'RATING_ASC',
    orderBy: [asc(t.rating), ...newest.orderBy],
    // Stars ascend but ties descend, so no single row comparison expresses it; the redundant
    // lower bound on rating lets the index skip the lower-rated reviews outright.
    after: ([s, c, i]) =>
      sql`(${t.rating} >= ${int(s)} and (${t.rating} > ${int(s)} or (${t.createdAt}, ${t.id}) < (${time(c)}, ${id(i)})))`,
    valuesOf: (r) => [r.rating, ...newest.valuesOf(r)],
    kinds: ['int', 'time', 'id'],
  },
};

/** The moderation queue: first come, first served. */
export const OLDEST_FIRST: ReviewOrder = {
  name: 'OLDEST',
  orderBy: [asc(t.createdAt), asc(t.id)],
  after: ([c, i]) => sql`(${t.createdAt}, ${t.id}) > (${time(c)}, ${id(i)})`,
  valuesOf: (r) => [r.createdAt.toISOString(), r.id],
  kinds: ['time', 'id'],
};

export function cursorOf(order: ReviewOrder, row: ReviewRow): unknown[] {
  return [order.name, ...order.valuesOf(row)];
}

const fits: Record<KeyKind, (v: unknown) => boolean> = {
  int: (v) => Number.isSafeInteger(v),
  // Only the canonical form we write: anything else might not cast to timestamptz.
  time: (v) => typeof v === 'string' && Number.isFinite(Date.parse(v)) && new Date(v).toISOString() === v,
  id: isId,
};

/** The key values of an `after` cursor of this order; BAD_USER_INPUT for anything else. */
export function parseAfter(order: ReviewOrder, after: string | null | undefined): CursorValues | null {
  const decoded = decodeCursor(after);
  if (decoded === null) return null;
  const [name, ...values] = decoded;
  if (name !== order.name || values.length !== order.kinds.length || !order.kinds.every((k, i) => fits[k](values[i]))) {
    throw badUserInput('after is not a cursor returned by this list.');
  }
  return values as CursorValues;
}
