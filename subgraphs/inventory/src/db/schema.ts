import { sql } from 'drizzle-orm';
import { outboxTable } from '@marketplace/runtime';
import { check, foreignKey, index, integer, pgSchema, primaryKey, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';

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

/**
 * ACTIVE: held for a checkout in progress, until `expires_at`. COMMITTED: the order is confirmed;
 * held until shipped or released, never expires. RELEASED: given back by the order (failed
 * checkout, cancellation). EXPIRED: never committed in time; the sweeper gave the units back.
 */
export const reservationStatus = inventorySchema.enum('reservation_status', ['ACTIVE', 'COMMITTED', 'RELEASED', 'EXPIRED']);

/** One per order: the order id is the idempotency key of reserveStock. */
export const reservations = inventorySchema.table(
  'reservations',
  {
    orderId: uuid('order_id').primaryKey(),
    status: reservationStatus('status').notNull().default('ACTIVE'),
    /** When an ACTIVE reservation lapses; no longer consulted once it is anything else. */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // The sweeper's scan: only ACTIVE reservations can lapse.
  (t) => [index('reservations_active_expiry_idx').on(t.expiresAt).where(sql`${t.status} = 'ACTIVE'`)],
);

/**
 * What a reservation holds, per variant per warehouse. A line is held until it ships (`shipped_at`)
 * or is given back (`released_at`); `restocked` counts its shipped units that came back on hand.
 */
export const reservationLines = inventorySchema.table(
  'reservation_lines',
  {
    orderId: uuid('order_id')
      .notNull()
      .references(() => reservations.orderId),
    variantId: uuid('variant_id').notNull(),
    warehouseId: uuid('warehouse_id').notNull(),
    quantity: integer('quantity').notNull(),
    shippedAt: timestamp('shipped_at', { withTimezone: true }),
    releasedAt: timestamp('released_at', { withTimezone: true }),
    restocked: integer('restocked').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.orderId, t.variantId, t.warehouseId] }),
    foreignKey({
      name: 'reservation_lines_stock_level_fk',
      columns: [t.variantId, t.warehouseId],
      foreignColumns: [stockLevels.variantId, stockLevels.warehouseId],
    }),
    check('reservation_lines_quantity_positive', sql`${t.quantity} > 0`),
    check('reservation_lines_shipped_or_released', sql`${t.shippedAt} is null or ${t.releasedAt} is null`),
    check('reservation_lines_restocked_within_shipped', sql`${t.restocked} between 0 and ${t.quantity} and (${t.restocked} = 0 or ${t.shippedAt} is not null)`),
  ],
);

/** Returns already put back on hand, by the caller's idempotency key: a retried restock applies once. */
export const restocks = inventorySchema.table('restocks', {
  idempotencyKey: varchar('idempotency_key', { length: 200 }).primaryKey(),
  orderId: uuid('order_id').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Domain events (stock.changed, stock.low), published by the outbox relay. */
export const outbox = outboxTable(inventorySchema);

export type WarehouseRow = typeof warehouses.$inferSelect;
export type InventoryItemRow = typeof inventoryItems.$inferSelect;
export type StockLevelRow = typeof stockLevels.$inferSelect;
export type ReservationRow = typeof reservations.$inferSelect;
export type ReservationLineRow = typeof reservationLines.$inferSelect;
