/** Parent types of the resolvers (codegen `mappers`): what the data layer hands them. */
import type { WarehouseRow } from './db/schema';
import type { VariantStockSummary, WarehouseStockLevel } from './stock';

export type WarehouseParent = WarehouseRow;
/** Carries its store, so owner-only fields can decide access. */
export type VariantStockParent = VariantStockSummary;
export type WarehouseStockParent = WarehouseStockLevel;
/** Entities other subgraphs own, as inventory knows them: just their key. */
export type ProductVariantParent = { id: string };
export type ProductParent = { id: string };
export type SellerParent = { id: string };
/** Built from a `stock.low` event. */
export type LowStockAlertParent = { variantId: string; available: number; threshold: number; at: Date };
