import { outboxTable } from '@marketplace/runtime';
import { sql } from 'drizzle-orm';
import { bigint, bigserial, char, check, index, integer, jsonb, pgSchema, primaryKey, text, timestamp, unique, uuid, varchar } from 'drizzle-orm/pg-core';

/**
 * Everything orders stores lives in the `orders` Postgres schema; no other subgraph reads it.
 * Not exported on purpose: the migrator creates the schema (it keeps its bookkeeping there), and
 * drizzle-kit would otherwise emit a second, failing CREATE SCHEMA.
 */
const ordersSchema = pgSchema('orders');

/** Millisecond precision, so a timestamp in a cursor compares equal to the stored one. */
const instant = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

export const orderStatus = ordersSchema.enum('order_status', [
  'PENDING_PAYMENT',
  'CONFIRMED',
  'PARTIALLY_SHIPPED',
  'SHIPPED',
  'DELIVERED',
  'CANCELLED',
  'PAYMENT_FAILED',
  'RETURN_REQUESTED',
  'RETURNED',
]);
export const orderLineStatus = ordersSchema.enum('order_line_status', [
  'PENDING',
  'CONFIRMED',
  'SHIPPED',
  'DELIVERED',
  'CANCELLED',
  'RETURN_REQUESTED',
  'RETURNED',
]);
export const shippingSpeed = ordersSchema.enum('shipping_speed', ['STANDARD', 'NEXT_DAY', 'SAME_DAY']);
export const shipmentStatus = ordersSchema.enum('shipment_status', ['SHIPPED', 'DELIVERED']);
export const returnRequestStatus = ordersSchema.enum('return_request_status', ['REQUESTED', 'APPROVED', 'REJECTED']);

/** Human-friendly order numbers: MK-100001, MK-100002, … */
export const orderNumbers = ordersSchema.sequence('order_number_seq', { startWith: 100001 });

export const carts = ordersSchema.table('carts', {
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  /** One cart per customer. */
  customerId: uuid('customer_id').notNull().unique(),
  createdAt: instant('created_at').notNull().defaultNow(),
  updatedAt: instant('updated_at').notNull().defaultNow(),
});

export const cartLines = ordersSchema.table(
  'cart_lines',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    cartId: uuid('cart_id')
      .notNull()
      .references(() => carts.id),
    variantId: uuid('variant_id').notNull(),
    quantity: integer('quantity').notNull(),
    addedAt: instant('added_at').notNull().defaultNow(),
  },
  (t) => [unique('cart_lines_cart_variant_unique').on(t.cartId, t.variantId), check('cart_lines_quantity_range', sql`${t.quantity} between 1 and 99`)],
);

export const orders = ordersSchema.table(
  'orders',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    number: varchar('number', { length: 20 })
      .notNull()
      .unique()
      .default(sql`'MK-' || nextval('orders.order_number_seq')`),
    customerId: uuid('customer_id').notNull(),
    status: orderStatus('status').notNull(),
    shippingSpeed: shippingSpeed('shipping_speed').notNull(),
    // The shipping address, copied at checkout: later edits of the address book do not move parcels.
    shipFullName: varchar('ship_full_name', { length: 100 }).notNull(),
    shipLine1: varchar('ship_line1', { length: 100 }).notNull(),
    shipLine2: varchar('ship_line2', { length: 100 }),
    shipCity: varchar('ship_city', { length: 100 }).notNull(),
    shipRegion: varchar('ship_region', { length: 100 }),
    shipPostalCode: varchar('ship_postal_code', { length: 20 }).notNull(),
    shipCountry: char('ship_country', { length: 2 }).notNull(),
    /** Minor units. */
    subtotal: bigint('subtotal', { mode: 'number' }).notNull(),
    shippingCost: bigint('shipping_cost', { mode: 'number' }).notNull(),
    total: bigint('total', { mode: 'number' }).notNull(),
    currencyCode: char('currency_code', { length: 3 }).notNull(),
    placedAt: instant('placed_at').notNull().defaultNow(),
    estimatedDelivery: instant('estimated_delivery'),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('orders_customer_placed_idx').on(t.customerId, t.placedAt.desc(), t.id.desc()),
    index('orders_placed_idx').on(t.placedAt.desc(), t.id.desc()),
    index('orders_status_placed_idx').on(t.status, t.placedAt.desc(), t.id.desc()),
    check('orders_total_is_sum', sql`${t.total} = ${t.subtotal} + ${t.shippingCost}`),
  ],
);

export const shipments = ordersSchema.table(
  'shipments',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    /** Each seller ships its own lines. */
    sellerId: uuid('seller_id').notNull(),
    carrier: varchar('carrier', { length: 50 }).notNull(),
    trackingNumber: varchar('tracking_number', { length: 100 }).notNull(),
    status: shipmentStatus('status').notNull(),
    shippedAt: instant('shipped_at').notNull().defaultNow(),
    deliveredAt: instant('delivered_at'),
  },
  (t) => [index('shipments_order_idx').on(t.orderId, t.shippedAt)],
);

export const orderLines = ordersSchema.table(
  'order_lines',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    variantId: uuid('variant_id').notNull(),
    productId: uuid('product_id').notNull(),
    // Copied at purchase: later catalog changes do not rewrite what was bought.
    sellerId: uuid('seller_id').notNull(),
    title: varchar('title', { length: 320 }).notNull(),
    sku: varchar('sku', { length: 64 }).notNull(),
    unitPrice: bigint('unit_price', { mode: 'number' }).notNull(),
    quantity: integer('quantity').notNull(),
    status: orderLineStatus('status').notNull(),
    shipmentId: uuid('shipment_id').references(() => shipments.id),
    position: integer('position').notNull(),
  },
  (t) => [
    index('order_lines_order_idx').on(t.orderId, t.position),
    index('order_lines_seller_idx').on(t.sellerId, t.orderId),
    index('order_lines_product_idx').on(t.productId, t.orderId),
    index('order_lines_shipment_idx').on(t.shipmentId),
    check('order_lines_quantity_range', sql`${t.quantity} between 1 and 99`),
  ],
);

/** Every status change of an order, in order. */
export const orderEvents = ordersSchema.table(
  'order_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    status: orderStatus('status').notNull(),
    note: text('note'),
    at: instant('at').notNull().defaultNow(),
  },
  (t) => [index('order_events_order_idx').on(t.orderId, t.id)],
);

export const returnRequests = ordersSchema.table(
  'return_requests',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    status: returnRequestStatus('status').notNull(),
    reason: varchar('reason', { length: 1000 }).notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
    decidedAt: instant('decided_at'),
  },
  (t) => [index('return_requests_order_idx').on(t.orderId, t.createdAt)],
);

export const returnRequestLines = ordersSchema.table(
  'return_request_lines',
  {
    returnRequestId: uuid('return_request_id')
      .notNull()
      .references(() => returnRequests.id),
    orderLineId: uuid('order_line_id')
      .notNull()
      .references(() => orderLines.id),
  },
  (t) => [primaryKey({ columns: [t.returnRequestId, t.orderLineId] })],
);

export const checkoutState = ordersSchema.enum('checkout_state', ['STARTED', 'RESERVED', 'CONFIRMED', 'FAILED']);

/**
 * One checkout: its idempotency claim (Stripe semantics: the first request with a key inserts
 * this row; the same key and input later gets the same outcome, a different input is refused)
 * and the durable state of its saga, so a checkout interrupted by a crash is driven forward by
 * recovery. The order id is chosen up front: reservations and payments are keyed by it.
 */
export const checkouts = ordersSchema.table(
  'checkouts',
  {
    customerId: uuid('customer_id').notNull(),
    idempotencyKey: varchar('idempotency_key', { length: 255 }).notNull(),
    /** SHA-256 of the checkout input, to tell a retry from a different request. */
    requestHash: char('request_hash', { length: 64 }).notNull(),
    orderId: uuid('order_id').notNull().unique(),
    state: checkoutState('state').notNull(),
    /** The provider token, needed until payment is authorized; cleared after. */
    paymentToken: varchar('payment_token', { length: 255 }),
    /** What the saga decided so far (priced lines, address, totals), so recovery repeats nothing. */
    plan: jsonb('plan').$type<Record<string, unknown>>(),
    failureCode: varchar('failure_code', { length: 40 }),
    failureMessage: text('failure_message'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: instant('created_at').notNull().defaultNow(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.idempotencyKey] }), index('checkouts_state_updated_idx').on(t.state, t.updatedAt)],
);

/** Domain events (order.updated), published by the outbox relay. */
export const outbox = outboxTable(ordersSchema);

export type CartRow = typeof carts.$inferSelect;
export type CartLineRow = typeof cartLines.$inferSelect;
export type OrderRow = typeof orders.$inferSelect;
export type OrderLineRow = typeof orderLines.$inferSelect;
export type OrderEventRow = typeof orderEvents.$inferSelect;
export type ShipmentRow = typeof shipments.$inferSelect;
export type ReturnRequestRow = typeof returnRequests.$inferSelect;
export type CheckoutRow = typeof checkouts.$inferSelect;
