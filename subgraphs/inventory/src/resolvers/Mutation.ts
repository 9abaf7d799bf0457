import { actingSellerId, forbidden, type Identity, InputCheck, uniqueViolation, userError } from '@marketplace/runtime';
import { eq } from 'drizzle-orm';
import type { MutationResolvers, UserErrorCode } from '../__generated__/resolvers-types';
import { itemOfVariant } from '../catalog';
import type { Context } from '../context';
import { inventoryItems, MAX_LOW_STOCK_THRESHOLD, stockLevels, warehouses } from '../db/schema';
import { lockStock } from '../locked-stock';

const MAX_ON_HAND = 1_000_000;
/** Checked after trimming and upper-casing. */
const WAREHOUSE_CODE = /^[A-Z0-9][A-Z0-9-]{1,31}$/;

const noSuchVariant = () => ({ stock: null, userErrors: [userError('NOT_FOUND', 'No such variant.', ['variantId'])] });

/**
 * The variant's inventory item when the caller's store owns it; null when the catalog has no such
 * variant. Throws FORBIDDEN for another store's variant.
 */
async function ownItem(db: Context['db'], identity: Identity, variantId: string) {
  const sellerId = actingSellerId(identity, ['INVENTORY_WRITE']);
  if (!sellerId) throw forbidden('Only the store that sells a variant may change its stock.');
  const item = await itemOfVariant(db, variantId);
  if (item && item.sellerId !== sellerId) throw forbidden('Only the store that sells a variant may change its stock.');
  return item;
}

export const Mutation: MutationResolvers = {
  setStock: async (_parent, { variantId, warehouseId, onHand }, { db, identity, loaders }) => {
    const check = new InputCheck<UserErrorCode>();
    check.int(onHand, ['onHand'], { min: 0, max: MAX_ON_HAND, label: 'On hand' });
    if (!check.ok) return { stock: null, userErrors: check.errors };

    const item = await ownItem(db, identity, variantId);
    if (!item) return noSuchVariant();
    if (!(await loaders.warehouseById.load(warehouseId))) {
      return { stock: null, userErrors: [userError('NOT_FOUND', 'No such warehouse.', ['warehouseId'])] };
    }

    await db.transaction(async (tx) => {
      // A warehouse new to the variant starts empty, so the count is a change from zero.
      await tx.insert(stockLevels).values({ variantId: item.variantId, warehouseId }).onConflictDoNothing();
      const stock = await lockStock(tx, [item.variantId]);
      stock.adjust(item.variantId, warehouseId, { onHand: onHand - stock.level(item.variantId, warehouseId)!.onHand });
      await stock.save(tx);
    });
    return { stock: await loaders.stockByVariantId.clear(item.variantId).load(item.variantId), userErrors: [] };
  },

  setLowStockThreshold: async (_parent, { variantId, threshold }, { db, identity, loaders }) => {
    const check = new InputCheck<UserErrorCode>();
    check.int(threshold, ['threshold'], { min: 0, max: MAX_LOW_STOCK_THRESHOLD, label: 'Threshold' });
    if (!check.ok) return { stock: null, userErrors: check.errors };

    const item = await ownItem(db, identity, variantId);
    if (!item) return noSuchVariant();
    await db
      .update(inventoryItems)
      .set({ lowStockThreshold: threshold })
      .where(eq(inventoryItems.variantId, item.variantId));
    return { stock: await loaders.stockByVariantId.clear(item.variantId).load(item.variantId), userErrors: [] };
  },

  createWarehouse: async (_parent, { input }, { db }) => {
    const check = new InputCheck<UserErrorCode>();
    const code = check.text(input.code, ['input', 'code'], { max: 32, label: 'Code' }).toUpperCase();
    if (check.ok && !WAREHOUSE_CODE.test(code)) {
      check.add('INVALID_INPUT', 'Code must be 2 to 32 letters, digits or dashes, not starting with a dash.', ['input', 'code']);
    }
    const name = check.text(input.name, ['input', 'name'], { max: 100, label: 'Name' });
    const region = check.text(input.region, ['input', 'region'], { max: 100, label: 'Region' });
    if (!check.ok) return { warehouse: null, userErrors: check.errors };

    try {
      const [warehouse] = await db.insert(warehouses).values({ code, name, region }).returning();
      return { warehouse: warehouse!, userErrors: [] };
    } catch (err) {
      if (uniqueViolation(err) === null) throw err;
      return { warehouse: null, userErrors: [userError('DUPLICATE', `A warehouse with code ${code} already exists.`, ['input', 'code'])] };
    }
  },
};
