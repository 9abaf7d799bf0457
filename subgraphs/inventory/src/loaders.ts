import DataLoader from 'dataloader';
import { alignByKey, callInternal, groupByKey, isAnyOf, isId, preparedStatement } from '@marketplace/runtime';
import type { Db } from './db/client';
import { warehouses } from './db/schema';
import {
  productsInStock,
  stockOfVariants,
  unstocked,
  warehouseLevelsOfVariants,
  type VariantStockSummary,
} from './stock';

const warehousesByIds = preparedStatement((db: Db) =>
  db.select().from(warehouses).where(isAnyOf(warehouses.id, 'ids')).prepare('inventory:warehousesByIds'),
);

/** Per-request batch loaders: one query per hop, however many variants or products a response lists. */
export function createLoaders(db: Db) {
  return {
    warehouseById: new DataLoader(async (ids: readonly string[]) => {
      const valid = ids.filter(isId);
      const rows = valid.length ? await warehousesByIds(db).execute({ ids: valid }) : [];
      return alignByKey(ids, rows, (r) => r.id);
    }),
    /** Every variant has a stock: variants never stocked (or malformed ids) have none anywhere. */
    stockByVariantId: new DataLoader(async (variantIds: readonly string[]): Promise<VariantStockSummary[]> => {
      const rows = await stockOfVariants(db, variantIds.filter(isId));
      return alignByKey(variantIds, rows, (r) => r.variantId).map((row, i) => row ?? unstocked(variantIds[i]!));
    }),
    warehouseLevelsByVariantId: new DataLoader(async (variantIds: readonly string[]) => {
      const rows = await warehouseLevelsOfVariants(db, variantIds.filter(isId));
      return groupByKey(variantIds, rows, (r) => r.variantId);
    }),
    productInStock: new DataLoader(async (productIds: readonly string[]) => {
      const inStock = await productsInStock(db, productIds.filter(isId));
      return productIds.map((id) => inStock.has(id));
    }),
    /**
     * The store of variants inventory has never stocked, asked of the catalog in one call (null:
     * no such variant). Only needed to show such a variant's zero stock details to its own store.
     */
    catalogSellerByVariantId: new DataLoader(async (variantIds: readonly string[]) => {
      const valid = variantIds.filter(isId);
      const variants = valid.length ? await callInternal('products', 'variantsByIds', { ids: valid }) : [];
      return alignByKey(variantIds, variants, (v) => v.id).map((v) => v?.sellerId ?? null);
    }),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
