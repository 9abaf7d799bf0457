import { callInternal, isId } from '@marketplace/runtime';
import { eq } from 'drizzle-orm';
import type { Db } from './db/client';
import { inventoryItems, type InventoryItemRow } from './db/schema';

/**
 * The inventory item of a variant, registering it from the catalog the first time inventory meets
 * it. Null when the catalog has no such variant. Concurrent first meetings insert once.
 */
export async function itemOfVariant(db: Db, variantId: string): Promise<InventoryItemRow | null> {
  if (!isId(variantId)) return null;
  const [known] = await db.select().from(inventoryItems).where(eq(inventoryItems.variantId, variantId));
  if (known) return known;

  const variants = await callInternal('products', 'variantsByIds', { ids: [variantId] });
  const variant = variants.find((v) => v.id === variantId);
  if (!variant) return null;
  const [inserted] = await db
    .insert(inventoryItems)
    .values({ variantId, productId: variant.productId, sellerId: variant.sellerId })
    .onConflictDoNothing({ target: inventoryItems.variantId })
    .returning();
  if (inserted) return inserted;
  // Another request registered it between our read and our insert.
  const [registered] = await db.select().from(inventoryItems).where(eq(inventoryItems.variantId, variantId));
  return registered ?? null;
}
