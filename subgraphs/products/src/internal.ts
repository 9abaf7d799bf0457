import { isAnyOf, isId, mountInternalRoutes, preparedStatement, type HttpApp } from '@marketplace/runtime';
import { eq } from 'drizzle-orm';
import { db, type Db } from './db/client';
import { products, variants } from './db/schema';

// Asked on every cart, checkout and product page: built once.
const variantSummaries = preparedStatement((database: Db) =>
  database
    .select({ variant: variants, productTitle: products.title, productStatus: products.status })
    .from(variants)
    .innerJoin(products, eq(products.id, variants.productId))
    .where(isAnyOf(variants.id, 'ids'))
    .prepare('products:variantSummaries'),
);
const productSummaries = preparedStatement((database: Db) =>
  database
    .select({ id: products.id, sellerId: products.sellerId, title: products.title, status: products.status })
    .from(products)
    .where(isAnyOf(products.id, 'ids'))
    .prepare('products:productSummaries'),
);

/** The well-formed ids of a request; anything else names nothing. */
const validIds = (ids: unknown): string[] => (Array.isArray(ids) ? ids.filter(isId) : []);

/** What other subgraphs ask the catalog (contracts in runtime's internal-api.ts). One statement each. */
export function mountInternal(app: HttpApp): void {
  mountInternalRoutes<'products'>(app, {
    variantsByIds: async ({ ids }) => {
      const valid = validIds(ids);
      if (valid.length === 0) return [];
      const rows = await variantSummaries(db).execute({ ids: valid });
      return rows.map(({ variant, productTitle, productStatus }) => ({
        id: variant.id,
        productId: variant.productId,
        sellerId: variant.sellerId,
        sku: variant.sku,
        title: variant.title,
        productTitle,
        price: variant.price,
        currencyCode: variant.currencyCode,
        productStatus,
      }));
    },
    productsByIds: async ({ ids }) => {
      const valid = validIds(ids);
      if (valid.length === 0) return [];
      return productSummaries(db).execute({ ids: valid });
    },
  });
}
