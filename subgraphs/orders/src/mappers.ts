/** Parent types of the resolvers (codegen `mappers`): what the data layer hands them. */
import type { CartLineRow, CartRow, OrderEventRow, OrderLineRow, OrderRow, ReturnRequestRow, ShipmentRow } from './db/schema';
import type { OrderList } from './order-list';

/** An order, and the store looking at it when a store is: it then sees only its own lines. */
export type OrderParent = OrderRow & { viewerSellerId?: string | null };
export type OrderLineParent = OrderLineRow;
export type OrderEventParent = OrderEventRow;
export type ShipmentParent = ShipmentRow;
export type ReturnRequestParent = ReturnRequestRow;
export type CartParent = CartRow;
export type CartLineParent = CartLineRow;
export type OrderConnectionParent = OrderList;
export type UserParent = { id: string };
export type SellerParent = { id: string };
export type ProductParent = { id: string };
