import { ROLES, SCOPES } from '@marketplace/runtime';
import { sql } from 'drizzle-orm';
import { boolean, char, check, index, pgSchema, primaryKey, text, timestamp, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';

/**
 * Everything users stores lives in the `users` Postgres schema; no other subgraph reads it.
 * Not exported on purpose: the migrator creates the schema (it keeps its bookkeeping there), and
 * drizzle-kit would otherwise emit a second, failing CREATE SCHEMA.
 */
const usersSchema = pgSchema('users');

export const role = usersSchema.enum('role', ROLES);
export const scope = usersSchema.enum('scope', SCOPES);

export const users = usersSchema.table(
  'users',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** Stored trimmed and lower-cased; the unique index compares lower-cased anyway. */
    email: varchar('email', { length: 254 }).notNull(),
    /** argon2id, PHC string (parameters and salt included). */
    passwordHash: text('password_hash').notNull(),
    name: varchar('name', { length: 100 }).notNull(),
    roles: role('roles').array().notNull().default(sql`'{CUSTOMER}'`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_email_key').on(sql`lower(${t.email})`),
    check('users_roles_not_empty', sql`cardinality(${t.roles}) > 0`),
  ],
);

/** A store. One per user; the seller's id is what other subgraphs key products, stock and order lines by. */
export const sellers = usersSchema.table(
  'sellers',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    storeName: varchar('store_name', { length: 80 }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('sellers_user_key').on(t.userId), uniqueIndex('sellers_store_name_key').on(sql`lower(${t.storeName})`)],
);

/**
 * A sign-in session: the family of refresh tokens that rotated from one login. Revoking it (logout,
 * or a used token presented again) ends every token of the family, including one issued concurrently.
 */
export const sessions = usersSchema.table(
  'sessions',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const refreshTokens = usersSchema.table(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id),
    /** SHA-256 (hex) of the token; the token itself is never stored. */
    tokenHash: char('token_hash', { length: 64 }).notNull().unique('refresh_tokens_token_hash_key'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** Set when the token was exchanged; presenting it again is a reuse. */
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('refresh_tokens_session_idx').on(t.sessionId)],
);

export const addresses = usersSchema.table(
  'addresses',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    fullName: varchar('full_name', { length: 100 }).notNull(),
    line1: varchar('line1', { length: 100 }).notNull(),
    line2: varchar('line2', { length: 100 }),
    city: varchar('city', { length: 100 }).notNull(),
    region: varchar('region', { length: 100 }),
    postalCode: varchar('postal_code', { length: 20 }).notNull(),
    /** ISO 3166-1 alpha-2, upper case. */
    country: char('country', { length: 2 }).notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('addresses_user_created_idx').on(t.userId, t.createdAt),
    // At most one default per user; the resolvers keep it at exactly one.
    uniqueIndex('addresses_one_default_per_user').on(t.userId).where(sql`${t.isDefault}`),
    check('addresses_country_format', sql`${t.country} ~ '^[A-Z]{2}$'`),
  ],
);

export const wishlistItems = usersSchema.table(
  'wishlist_items',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** A product of the products subgraph (checked to exist when added). */
    productId: uuid('product_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'wishlist_items_pkey', columns: [t.userId, t.productId] }), index('wishlist_items_user_created_idx').on(t.userId, t.createdAt)],
);

export const apiKeys = usersSchema.table(
  'api_keys',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    sellerId: uuid('seller_id')
      .notNull()
      .references(() => sellers.id),
    name: varchar('name', { length: 100 }).notNull(),
    /** The secret's first characters, shown so its owner can recognise it. */
    prefix: varchar('prefix', { length: 12 }).notNull(),
    /** SHA-256 (hex) of the secret; the secret itself is shown once and never stored. */
    secretHash: char('secret_hash', { length: 64 }).notNull().unique('api_keys_secret_hash_key'),
    scopes: scope('scopes').array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    index('api_keys_seller_created_idx').on(t.sellerId, t.createdAt),
    check('api_keys_scopes_not_empty', sql`cardinality(${t.scopes}) > 0`),
  ],
);

export type UserRow = typeof users.$inferSelect;
export type SellerRow = typeof sellers.$inferSelect;
export type AddressRow = typeof addresses.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
