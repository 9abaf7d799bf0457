import { isAnyOf, preparedStatement } from '@marketplace/runtime';
import { and, asc, eq, exists, gt, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from './db/client';
import { DEFAULT_LOW_STOCK_THRESHOLD, inventoryItems, stockLevels, warehouses, type StockLevelRow, type WarehouseRow } from './db/schema';

/** A variant's stock summed over warehouses, with the store it belongs to (null: never stocked). */
export interface VariantStockSummary {
  variantId: string;
  sellerId: string | null;
  onHand: number;
  reserved: number;
  /** Sum over warehouses of on hand − reserved, each never below zero. */
  available: number;
  lowStockThreshold: number;
}

export type WarehouseStockLevel = StockLevelRow & { warehouse: WarehouseRow };

/** Per warehouse: units that can be bought there. Reserved may exceed on hand after a recount. */
const levelAvailable = sql`greatest(${stockLevels.onHand} - ${stockLevels.reserved}, 0)`;
const totalAvailable = sql<number>`coalesce(sum(${levelAvailable}), 0)`.mapWith(Number);

/** Summaries of the variants matching `where`, one row per variant inventory knows. */
function summaries(db: Db, where: SQL) {
  return db
    .select({
      variantId: inventoryItems.variantId,
      sellerId: inventoryItems.sellerId,
      onHand: sql<number>`coalesce(sum(${stockLevels.onHand}), 0)`.mapWith(Number),
      reserved: sql<number>`coalesce(sum(${stockLevels.reserved}), 0)`.mapWith(Number),
      available: totalAvailable,
      lowStockThreshold: inventoryItems.lowStockThreshold,
    })
    .from(inventoryItems)
    .leftJoin(stockLevels, eq(stockLevels.variantId, inventoryItems.variantId))
    .where(where)
    .groupBy(inventoryItems.variantId);
}

/** The stock of a variant inventory has never stocked: nothing anywhere. */
export function unstocked(variantId: string): VariantStockSummary {
  return { variantId, sellerId: null, onHand: 0, reserved: 0, available: 0, lowStockThreshold: DEFAULT_LOW_STOCK_THRESHOLD };
}

const summariesOfVariants = preparedStatement((db: Db) =>
  summaries(db, isAnyOf(inventoryItems.variantId, 'variantIds')).prepare('inventory:summariesOfVariants'),
);

/** One query for any number of variants; variants inventory does not know are left out. */
export function stockOfVariants(db: Db, variantIds: string[]): Promise<VariantStockSummary[]> {
  return variantIds.length ? summariesOfVariants(db).execute({ variantIds }) : Promise.resolve([]);
}

/** A store's variants with at most `threshold` available (each its own threshold when null), lowest first. */
export function lowStockOfSeller(db: Db, sellerId: string, threshold: number | null): Promise<VariantStockSummary[]> {
  return summaries(db, eq(inventoryItems.sellerId, sellerId))
    .having(lte(totalAvailable, threshold ?? inventoryItems.lowStockThreshold))
    .orderBy(asc(totalAvailable), asc(inventoryItems.variantId));
}

const warehouseLevels = preparedStatement((db: Db) =>
  db
    .select({ level: stockLevels, warehouse: warehouses })
    .from(stockLevels)
    .innerJoin(warehouses, eq(warehouses.id, stockLevels.warehouseId))
    .where(isAnyOf(stockLevels.variantId, 'variantIds'))
    .orderBy(asc(warehouses.code))
    .prepare('inventory:warehouseLevels'),
);

/** The per-warehouse levels of these variants, by warehouse code. */
export async function warehouseLevelsOfVariants(db: Db, variantIds: string[]): Promise<WarehouseStockLevel[]> {
  if (!variantIds.length) return [];
  const rows = await warehouseLevels(db).execute({ variantIds });
  return rows.map(({ level, warehouse }) => ({ ...level, warehouse }));
}

const productsWithUnits = preparedStatement((db: Db) =>
  db
    .selectDistinct({ productId: inventoryItems.productId })
    .from(inventoryItems)
    .where(
      and(
        isAnyOf(inventoryItems.productId, 'productIds'),
        exists(
          db
            .select({ one: sql`1` })
            .from(stockLevels)
            .where(and(eq(stockLevels.variantId, inventoryItems.variantId), gt(stockLevels.onHand, stockLevels.reserved))),
        ),
      ),
    )
    .prepare('inventory:productsWithUnits'),
);

/** Which of these products have at least one variant with units available somewhere. */
export async function productsInStock(db: Db, productIds: string[]): Promise<Set<string>> {
  if (!productIds.length) return new Set();
  const rows = await productsWithUnits(db).execute({ productIds });
  return new Set(rows.map((r) => r.productId));
}

const availableOfVariants = preparedStatement((db: Db) =>
  db
    .select({ variantId: stockLevels.variantId, available: totalAvailable })
    .from(stockLevels)
    .where(isAnyOf(stockLevels.variantId, 'variantIds'))
    .groupBy(stockLevels.variantId)
    .prepare('inventory:availableOfVariants'),
);

/** Units available per variant, from the stock levels alone; variants never stocked are absent. */
export async function availableByVariant(db: Db, variantIds: string[]): Promise<Map<string, number>> {
  if (!variantIds.length) return new Map();
  const rows = await availableOfVariants(db).execute({ variantIds });
  return new Map(rows.map((r) => [r.variantId, r.available]));
}

/**
 * The same as one JSON object (variant id → units), for the select list or RETURNING of another
 * statement; the variants are its placeholder `variantIds`.
 */
export const availableByVariantJson = sql<Record<string, number>>`(
    select coalesce(json_object_agg(per.variant_id, per.available), '{}')
    from (select ${stockLevels.variantId} as variant_id, ${totalAvailable} as available from ${stockLevels}
          where ${isAnyOf(stockLevels.variantId, 'variantIds')} group by ${stockLevels.variantId}) as per)`;

const MAX_SNAPSHOT_PAGE = 5000;

/**
 * A page of every variant's available units in variant id order, with the outbox position it is
 * consistent with (runtime's `SnapshotPage`), for rebuilding products' copy of stock.
 */
export function stockSnapshot(db: Db, afterVariantId: string | null, limit: number) {
  return db.transaction(async (tx) => {
    // Every stock change updates stock_levels before writing its event: this waits for the changes
    // in flight and holds back new ones for the page, so the events numbered up to the position
    // read next are all in the page, and none after it.
    await tx.execute(sql`lock table ${stockLevels} in share mode`);
    const [position] = await tx.execute<{ version: string }>(
      sql`select coalesce(pg_sequence_last_value(pg_get_serial_sequence('inventory.outbox', 'id')::regclass), 0) as version`,
    );
    const items = await tx
      .select({ variantId: inventoryItems.variantId, productId: inventoryItems.productId, available: totalAvailable })
      .from(inventoryItems)
      .leftJoin(stockLevels, eq(stockLevels.variantId, inventoryItems.variantId))
      .where(afterVariantId ? gt(inventoryItems.variantId, afterVariantId) : undefined)
      .groupBy(inventoryItems.variantId)
      .orderBy(asc(inventoryItems.variantId))
      .limit(Math.min(Math.max(Math.trunc(limit) || 1, 1), MAX_SNAPSHOT_PAGE));
    return { version: Number(position!.version), items };
  });
}
