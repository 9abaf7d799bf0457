import { sql } from 'drizzle-orm';
import {
  bigint,
  char,
  boolean,
  check,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgSchema,
  text,
  timestamp,
  unique,
  uuid,
  varchar,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

/**
 * Everything products stores lives in the `products` Postgres schema; no other subgraph reads it.
 * Not exported on purpose: the migrator creates the schema (it keeps its bookkeeping there), and
 * drizzle-kit would otherwise emit a second, failing CREATE SCHEMA.
 */
const productsSchema = pgSchema('products');

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
/** Millisecond precision, so a timestamp in a cursor compares equal to the stored one. */
const instant = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

export const productStatus = productsSchema.enum('product_status', ['DRAFT', 'ACTIVE', 'ARCHIVED']);

export const categories = productsSchema.table(
  'categories',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    name: varchar('name', { length: 100 }).notNull(),
    slug: varchar('slug', { length: 100 }).notNull().unique(),
    parentId: uuid('parent_id').references((): AnyPgColumn => categories.id),
    /** Ids of the ancestors, root first: breadcrumbs and "this category and below" in one statement. */
    path: uuid('path').array().notNull().default(sql`'{}'::uuid[]`),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [index('categories_parent_idx').on(t.parentId), index('categories_path_idx').using('gin', t.path)],
);

export const products = productsSchema.table(
  'products',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    sellerId: uuid('seller_id').notNull(),
    categoryId: uuid('category_id')
      .notNull()
      .references(() => categories.id),
    title: varchar('title', { length: 200 }).notNull(),
    description: text('description').notNull(),
    brand: varchar('brand', { length: 100 }).notNull(),
    images: text('images').array().notNull().default(sql`'{}'::text[]`),
    status: productStatus('status').notNull(),
    /** The lowest variant price, kept equal to it by every write (filters, sorts and `price`). */
    minPrice: bigint('min_price', { mode: 'number' }).notNull(),
    currencyCode: char('currency_code', { length: 3 }).notNull(),
    /** Full-text document: title weighs most, then brand, then description. */
    search: tsvector('search').generatedAlwaysAs(
      sql`setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(brand, '')), 'B') || setweight(to_tsvector('english', coalesce(description, '')), 'C')`,
    ),
    createdAt: instant('created_at').notNull().defaultNow(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
    // Copies of what other subgraphs own, for filters and sorts (kept by projections.ts from their
    // events, rebuilt by `pnpm rebuild:projections`). Never shown as such: the owners answer the fields.
    /** Some variant has units available (inventory's `stock.changed`, via `variant_stock`). */
    inStock: boolean('in_stock').notNull().default(false),
    /** Average of the published reviews; 0 while unrated, so unrated products sort last (reviews' `rating.changed`). */
    ratingAverage: doublePrecision('rating_average').notNull().default(0),
    ratingCount: integer('rating_count').notNull().default(0),
    /** Reviews' outbox position of the rating copied here: an older or redelivered event changes nothing. */
    ratingVersion: bigint('rating_version', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    index('products_search_idx').using('gin', t.search),
    index('products_status_rating_idx').on(t.status, t.ratingAverage.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // NULLS FIRST is what ORDER BY … DESC means; the planner only uses an index whose null order matches.
    index('products_status_created_idx').on(t.status, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('products_status_price_idx').on(t.status, t.minPrice, t.id),
    index('products_seller_created_idx').on(t.sellerId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('products_category_idx').on(t.categoryId),
    index('products_brand_idx').on(t.brand),
  ],
);

export const variants = productsSchema.table(
  'variants',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    /** Copied from the product, so SKUs can be unique per store by a constraint. */
    sellerId: uuid('seller_id').notNull(),
    sku: varchar('sku', { length: 64 }).notNull(),
    title: varchar('title', { length: 100 }).notNull(),
    attributes: jsonb('attributes').$type<{ name: string; value: string }[]>().notNull().default([]),
    price: bigint('price', { mode: 'number' }).notNull(),
    currencyCode: char('currency_code', { length: 3 }).notNull(),
    position: integer('position').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [
    unique('variants_seller_sku_unique').on(t.sellerId, t.sku),
    index('variants_product_idx').on(t.productId, t.position),
    check('variants_price_positive', sql`${t.price} > 0`),
  ],
);

/**
 * Units available per variant, copied from inventory's `stock.changed` events: what
 * `products.in_stock` is computed from. `version` is inventory's outbox position of the copied
 * value; inventory writes a variant's events in the order of its changes (its stock rows are
 * locked), so a lower version is older news and is ignored.
 */
export const variantStock = productsSchema.table(
  'variant_stock',
  {
    variantId: uuid('variant_id').primaryKey(),
    productId: uuid('product_id').notNull(),
    available: integer('available').notNull(),
    version: bigint('version', { mode: 'number' }).notNull(),
  },
  (t) => [index('variant_stock_product_idx').on(t.productId)],
);

export type CategoryRow = typeof categories.$inferSelect;
export type ProductRow = typeof products.$inferSelect;
export type VariantRow = typeof variants.$inferSelect;
