import { sql } from 'drizzle-orm';
import { check, index, integer, pgSchema, primaryKey, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';

/**
 * Everything inventory stores lives in the `inventory` Postgres schema; no other subgraph reads it.
 * Not exported on purpose: the migrator creates the schema (it keeps its bookkeeping there), and
 * drizzle-kit would otherwise emit a second, failing CREATE SCHEMA.
 */
const inventorySchema = pgSchema('inventory');

export const DEFAULT_LOW_STOCK_THRESHOLD = 5;
export const MAX_LOW_STOCK_THRESHOLD = 100_000;

export const warehouses = inventorySchema.table('warehouses', {
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  /** Upper-case, e.g. `US-EAST-1`. */
  code: varchar('code', { length: 32 }).notNull().unique(),
  name: varchar('name', { length: 100 }).notNull(),
  region: varchar('region', { length: 100 }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The variants inventory knows: copied from the catalog the first time one is stocked, so that
 * ownership and product roll-ups never need the products subgraph again.
 */
export const inventoryItems = inventorySchema.table(
  'inventory_items',
  {
    variantId: uuid('variant_id').primaryKey(),
    productId: uuid('product_id').notNull(),
    sellerId: uuid('seller_id').notNull(),
    lowStockThreshold: integer('low_stock_threshold').notNull().default(DEFAULT_LOW_STOCK_THRESHOLD),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('inventory_items_product_idx').on(t.productId),
    index('inventory_items_seller_idx').on(t.sellerId),
    check('inventory_items_threshold_range', sql`${t.lowStockThreshold} between 0 and ${sql.raw(String(MAX_LOW_STOCK_THRESHOLD))}`),
  ],
);

export const stockLevels = inventorySchema.table(
  'stock_levels',
  {
    variantId: uuid('variant_id')
      .notNull()
      .references(() => inventoryItems.variantId),
    warehouseId: uuid('warehouse_id')
      .notNull()
      .references(() => warehouses.id),
    onHand: integer('on_hand').notNull().default(0),
    /** Held for checkouts in progress and unshipped orders; may exceed on hand after a recount. */
    reserved: integer('reserved').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.variantId, t.warehouseId] }),
    check('stock_levels_on_hand_not_negative', sql`${t.onHand} >= 0`),
    check('stock_levels_reserved_not_negative', sql`${t.reserved} >= 0`),
  ],
);

export type WarehouseRow = typeof warehouses.$inferSelect;
export type InventoryItemRow = typeof inventoryItems.$inferSelect;
export type StockLevelRow = typeof stockLevels.$inferSelect;
