import DataLoader from 'dataloader';
import { alignByKey, groupByKey, isAnyOf, isId, preparedStatement } from '@marketplace/runtime';
import { asc, count } from 'drizzle-orm';
import type { Db } from './db/client';
import { categories, products, variants } from './db/schema';
import { storeNames } from './store-names';

// Each hop's statement, built once per database: `ids` is the batch's keys.
const productsByIds = preparedStatement((db: Db) =>
  db.select().from(products).where(isAnyOf(products.id, 'ids')).prepare('products:productsByIds'),
);
const variantsByIds = preparedStatement((db: Db) =>
  db.select().from(variants).where(isAnyOf(variants.id, 'ids')).prepare('products:variantsByIds'),
);
const variantsOfProducts = preparedStatement((db: Db) =>
  db
    .select()
    .from(variants)
    .where(isAnyOf(variants.productId, 'ids'))
    .orderBy(asc(variants.productId), asc(variants.position))
    .prepare('products:variantsOfProducts'),
);
const categoriesByIds = preparedStatement((db: Db) =>
  db.select().from(categories).where(isAnyOf(categories.id, 'ids')).prepare('products:categoriesByIds'),
);
const childrenOfCategories = preparedStatement((db: Db) =>
  db.select().from(categories).where(isAnyOf(categories.parentId, 'ids')).orderBy(asc(categories.name)).prepare('products:childrenOfCategories'),
);
const productCountsOfSellers = preparedStatement((db: Db) =>
  db
    .select({ sellerId: products.sellerId, status: products.status, n: count() })
    .from(products)
    .where(isAnyOf(products.sellerId, 'ids'))
    .groupBy(products.sellerId, products.status)
    .prepare('products:productCountsOfSellers'),
);

/** Per-request batch loaders: one statement per hop, however many items a response lists. */
export function createLoaders(db: Db) {
  return {
    productById: new DataLoader(async (ids: readonly string[]) => {
      const valid = ids.filter(isId);
      const rows = valid.length ? await productsByIds(db).execute({ ids: valid }) : [];
      return alignByKey(ids, rows, (r) => r.id);
    }),
    variantById: new DataLoader(async (ids: readonly string[]) => {
      const valid = ids.filter(isId);
      const rows = valid.length ? await variantsByIds(db).execute({ ids: valid }) : [];
      return alignByKey(ids, rows, (r) => r.id);
    }),
    variantsByProductId: new DataLoader(async (productIds: readonly string[]) => {
      const rows = await variantsOfProducts(db).execute({ ids: productIds });
      return groupByKey(productIds, rows, (r) => r.productId);
    }),
    categoryById: new DataLoader(async (ids: readonly string[]) => {
      const valid = ids.filter(isId);
      const rows = valid.length ? await categoriesByIds(db).execute({ ids: valid }) : [];
      return alignByKey(ids, rows, (r) => r.id);
    }),
    childrenByParentId: new DataLoader(async (parentIds: readonly string[]) => {
      const rows = await childrenOfCategories(db).execute({ ids: parentIds });
      return groupByKey(parentIds, rows, (r) => r.parentId!);
    }),
    /** Product counts of stores, per status. */
    productCountsBySeller: new DataLoader(async (sellerIds: readonly string[]) => {
      const valid = sellerIds.filter(isId);
      const rows = valid.length ? await productCountsOfSellers(db).execute({ ids: valid }) : [];
      return groupByKey(sellerIds, rows, (r) => r.sellerId);
    }),
    /** Stores' names, from the process's copy (users asked once per store). */
    storeNameBySellerId: new DataLoader(storeNames),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
