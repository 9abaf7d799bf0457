/**
 * Products' copies of stock and ratings, which inventory and reviews own, for the `inStock` and
 * `minRating` filters and the `RATING_DESC` sort: fed by the owners' events (`stock.changed`,
 * `rating.changed`), rebuilt from the owners by `pnpm rebuild:projections` (rebuild.ts).
 *
 * Every copied value carries its version, the owner's outbox position (event id
 * `<subgraph>:<outbox id>`): an owner writes one entity's events in the order of its changes, so a
 * value only replaces an older one. Redelivered, reordered or already-rebuilt events change nothing.
 * A change of what search filters on bumps the catalog version once committed (`projectStock`,
 * `projectRatings`).
 */
import { bumpCatalogVersion, consumeEvents, createDatabase, type DomainEvent } from '@marketplace/runtime';
import { and, asc, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from './db/client';
import * as tables from './db/schema';
import { products, variantStock } from './db/schema';

export interface StockValue {
  variantId: string;
  productId: string;
  available: number;
  version: number;
}

export interface RatingValue {
  productId: string;
  count: number;
  /** Sum of the published ratings, so the average is exact whatever the count. */
  sum: number;
  version: number;
}

/** The owner's outbox position of an event, from its id `<subgraph>:<outbox id>` (runtime's events.ts). */
function outboxPosition(event: DomainEvent): number {
  return Number(event.id.slice(event.id.lastIndexOf(':') + 1));
}

/** Of several values of one entity, the newest. */
function newestBy<T extends { version: number }>(values: T[], key: (value: T) => string): T[] {
  const newest = new Map<string, T>();
  for (const value of values) {
    const seen = newest.get(key(value));
    if (!seen || seen.version < value.version) newest.set(key(value), value);
  }
  return [...newest.values()];
}

/**
 * Locks the rows of these products for the rest of the transaction, in id order like every writer
 * of the copies (so they never deadlock); answers the ids the catalog has.
 */
async function lockProducts(tx: Tx, productIds: string[]): Promise<Set<string>> {
  const locked = await tx
    .select({ id: products.id })
    .from(products)
    .where(inArray(products.id, [...new Set(productIds)]))
    .orderBy(asc(products.id))
    .for('no key update');
  return new Set(locked.map((p) => p.id));
}

/**
 * Copies variants' availability and recomputes their products' `in_stock`. The products' rows are
 * locked first, so two writers touching one product take turns and the second sees the first's
 * variants. Variants of products the catalog does not have are ignored. Answers whether some
 * product's `in_stock` changed.
 */
export async function applyStock(tx: Tx, values: StockValue[]): Promise<boolean> {
  const newest = newestBy(values, (v) => v.variantId);
  if (newest.length === 0) return false;
  const known = await lockProducts(tx, newest.map((v) => v.productId));
  const rows = newest.filter((v) => known.has(v.productId));
  if (rows.length === 0) return false;
  await tx
    .insert(variantStock)
    .values(rows)
    .onConflictDoUpdate({
      target: variantStock.variantId,
      set: { productId: sql`excluded.product_id`, available: sql`excluded.available`, version: sql`excluded.version` },
      setWhere: sql`${variantStock.version} <= excluded.version`,
    });
  return refreshInStock(tx, [...known]);
}

/** `in_stock` of these (locked) products from their variants' copied availability; answers whether one changed. */
export async function refreshInStock(tx: Tx, productIds: string[]): Promise<boolean> {
  if (productIds.length === 0) return false;
  const anyAvailable = sql`exists (select 1 from ${variantStock} where ${variantStock.productId} = ${products.id} and ${variantStock.available} > 0)`;
  const changed = await tx
    .update(products)
    .set({ inStock: anyAvailable })
    .where(and(inArray(products.id, productIds), sql`${products.inStock} is distinct from ${anyAvailable}`))
    .returning({ id: products.id });
  return changed.length > 0;
}

/**
 * Copies products' ratings, each only over an older one (the version check is part of the UPDATE).
 * Answers whether some rating was written.
 */
export async function applyRatings(tx: Tx, values: RatingValue[]): Promise<boolean> {
  const newest = newestBy(values, (v) => v.productId);
  if (newest.length === 0) return false;
  await lockProducts(tx, newest.map((v) => v.productId));
  const rows = newest.map((v) => sql`(${v.productId}::uuid, ${v.count}::int, ${v.sum}::bigint, ${v.version}::bigint)`);
  const written = await tx.execute(sql`
    update ${products} as p
    set rating_count = v.count,
        rating_average = case when v.count = 0 then 0 else v.sum::float8 / v.count end,
        rating_version = v.version
    from (values ${sql.join(rows, sql`, `)}) as v(product_id, count, sum, version)
    where p.id = v.product_id and p.rating_version <= v.version
    returning p.id`);
  return written.length > 0;
}

/** Applies stock values in a transaction of their own; a changed `in_stock` is then counted by search. */
export async function projectStock(db: Db, values: StockValue[]): Promise<void> {
  if (await db.transaction((tx) => applyStock(tx, values))) await bumpCatalogVersion();
}

/** Applies ratings in a transaction of their own; changed ratings are then counted by search. */
export async function projectRatings(db: Db, values: RatingValue[]): Promise<void> {
  if (await db.transaction((tx) => applyRatings(tx, values))) await bumpCatalogVersion();
}

/** stock.changed payload (inventory's locked-stock.ts). */
interface StockChanged {
  variantId: string;
  productId: string;
  available: number;
}

/** rating.changed payload (reviews' ratings.ts). */
interface RatingChanged {
  productId: string;
  count: number;
  sum: number;
}

/**
 * Follows the owners' events as durable consumer groups: every products instance shares the work.
 * A small pool of its own keeps this work apart from the requests' pool (and their statement count).
 */
export function startProjections() {
  const database = createDatabase(tables, { max: 2, countStatements: false });
  const { db } = database;
  const stock = consumeEvents({
    topic: 'stock.changed',
    group: 'products-stock',
    handler: (events) =>
      projectStock(
        db,
        events.map((event) => {
          const { variantId, productId, available } = event.payload as unknown as StockChanged;
          return { variantId, productId, available, version: outboxPosition(event) };
        }),
      ),
  });
  const ratings = consumeEvents({
    topic: 'rating.changed',
    group: 'products-ratings',
    handler: (events) =>
      projectRatings(
        db,
        events.map((event) => {
          const { productId, count, sum } = event.payload as unknown as RatingChanged;
          return { productId, count, sum, version: outboxPosition(event) };
        }),
      ),
  });
  return {
    async stop() {
      await Promise.all([stock.stop(), ratings.stop()]);
      await database.close();
    },
  };
}
