/** Parent types of the resolvers (codegen `mappers`): what the data layer hands them. */
import type { CartLineRow, CartRow, OrderEventRow, OrderLineRow, OrderRow, ReturnRequestRow, ShipmentRow } from './db/schema';
import type { OrderList } from './order-list';

/**
 * The store an order is shown to, when a store is looking: it then sees only its own lines, and
 * so does every hop from the order (its shipments, its returns, and back to the order). Required,
 * so no resolver can build an order view without deciding whose it is.
 */
export interface Viewed {
  viewerSellerId: string | null;
}

export type OrderParent = OrderRow & Viewed;
export type OrderLineParent = OrderLineRow;
export type OrderEventParent = OrderEventRow;
export type ShipmentParent = ShipmentRow & Viewed;
export type ReturnRequestParent = ReturnRequestRow & Viewed;
export type CartParent = CartRow;
export type CartLineParent = CartLineRow;
export type OrderConnectionParent = OrderList;
export type UserParent = { id: string };
export type SellerParent = { id: string };
export type ProductParent = { id: string };
