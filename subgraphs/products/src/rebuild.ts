/**
 * Rebuilds products' copies of stock and ratings from scratch, from their owners (inventory's
 * `stockSnapshot`, reviews' `ratingSnapshot`), page by page, while the event projections keep
 * running: every value carries its owner's version and only replaces an older one (projections.ts).
 * Until it finishes, the `inStock` / `minRating` filters see a partial copy.
 */
import { bumpCatalogVersion, callInternal, logger, type SnapshotPage } from '@marketplace/runtime';
import { asc } from 'drizzle-orm';
import { db } from './db/client';
import { products, variantStock } from './db/schema';
import { projectRatings, projectStock } from './projections';

const PAGE_SIZE = 2000;

/** Applies every page of a snapshot, in key order; answers how many items there were. */
async function copyPages<T>(
  fetchPage: (after: string | null) => Promise<SnapshotPage<T>>,
  keyOf: (item: T) => string,
  apply: (page: SnapshotPage<T>) => Promise<void>,
): Promise<number> {
  let copied = 0;
  for (let after: string | null = null; ; ) {
    const page = await fetchPage(after);
    await apply(page);
    copied += page.items.length;
    if (page.items.length < PAGE_SIZE) return copied;
    after = keyOf(page.items.at(-1)!);
  }
}

export async function rebuildProjections(): Promise<{ variants: number; ratedProducts: number }> {
  await db.transaction(async (tx) => {
    // Rows locked in id order first, as the projections lock them.
    await tx.select({ id: products.id }).from(products).orderBy(asc(products.id)).for('no key update');
    await tx.delete(variantStock);
    await tx.update(products).set({ inStock: false, ratingAverage: 0, ratingCount: 0, ratingVersion: 0 });
  });
  await bumpCatalogVersion();
  const variants = await copyPages(
    (after) => callInternal('inventory', 'stockSnapshot', { afterVariantId: after, limit: PAGE_SIZE }),
    (item) => item.variantId,
    (page) => projectStock(db, page.items.map((item) => ({ ...item, version: page.version }))),
  );
  const ratedProducts = await copyPages(
    (after) => callInternal('reviews', 'ratingSnapshot', { afterProductId: after, limit: PAGE_SIZE }),
    (item) => item.productId,
    (page) => projectRatings(db, page.items.map((item) => ({ ...item, version: page.version }))),
  );
  logger.info({ variants, ratedProducts }, 'projections rebuilt');
  return { variants, ratedProducts };
}
