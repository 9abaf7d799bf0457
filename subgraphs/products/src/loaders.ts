import DataLoader from 'dataloader';
import { alignByKey, groupByKey, isId } from '@marketplace/runtime';
import { asc, count, inArray } from 'drizzle-orm';
import type { Db } from './db/client';
import { categories, products, variants } from './db/schema';
import { storeNames } from './store-names';

/** Per-request batch loaders: one statement per hop, however many items a response lists. */
export function createLoaders(db: Db) {
  return {
    productById: new DataLoader(async (ids: readonly string[]) => {
      const valid = ids.filter(isId);
      const rows = valid.length ? await db.select().from(products).where(inArray(products.id, valid)) : [];
      return alignByKey(ids, rows, (r) => r.id);
    }),
    variantById: new DataLoader(async (ids: readonly string[]) => {
      const valid = ids.filter(isId);
      const rows = valid.length ? await db.select().from(variants).where(inArray(variants.id, valid)) : [];
      return alignByKey(ids, rows, (r) => r.id);
    }),
    variantsByProductId: new DataLoader(async (productIds: readonly string[]) => {
      const rows = await db
        .select()
        .from(variants)
        .where(inArray(variants.productId, [...productIds]))
        .orderBy(asc(variants.productId), asc(variants.position));
      return groupByKey(productIds, rows, (r) => r.productId);
    }),
    categoryById: new DataLoader(async (ids: readonly string[]) => {
      const valid = ids.filter(isId);
      const rows = valid.length ? await db.select().from(categories).where(inArray(categories.id, valid)) : [];
      return alignByKey(ids, rows, (r) => r.id);
    }),
    childrenByParentId: new DataLoader(async (parentIds: readonly string[]) => {
      const rows = await db
        .select()
        .from(categories)
        .where(inArray(categories.parentId, [...parentIds]))
        .orderBy(asc(categories.name));
      return groupByKey(parentIds, rows, (r) => r.parentId!);
    }),
    /** Product counts of stores, per status. */
    productCountsBySeller: new DataLoader(async (sellerIds: readonly string[]) => {
      const valid = sellerIds.filter(isId);
      const rows = valid.length
        ? await db
            .select({ sellerId: products.sellerId, status: products.status, n: count() })
            .from(products)
            .where(inArray(products.sellerId, valid))
            .groupBy(products.sellerId, products.status)
        : [];
      return groupByKey(sellerIds, rows, (r) => r.sellerId);
    }),
    /** Stores' names, from the process's copy (users asked once per store). */
    storeNameBySellerId: new DataLoader(storeNames),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
