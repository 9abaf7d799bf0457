import { forbidden } from '@marketplace/runtime';
import type { VariantStockResolvers } from '../__generated__/resolvers-types';
import { maySeeStockOf } from '../access';
import type { Context } from '../context';
import type { VariantStockSummary } from '../stock';

/** On hand, reserved, thresholds and warehouses are the variant's store's and operators' business. */
async function assertMaySeeDetails(stock: VariantStockSummary, { identity, loaders }: Context): Promise<void> {
  if (maySeeStockOf(identity, stock.sellerId)) return;
  // A variant inventory never stocked has no store here yet: ask the catalog whose it is.
  if (stock.sellerId === null && maySeeStockOf(identity, await loaders.catalogSellerByVariantId.load(stock.variantId))) return;
  throw forbidden('Only the store that sells this variant may see its stock details.');
}

export const VariantStock: VariantStockResolvers = {
  inStock: (stock) => stock.available > 0,
  onHand: async (stock, _args, context) => {
    await assertMaySeeDetails(stock, context);
    return stock.onHand;
  },
  reserved: async (stock, _args, context) => {
    await assertMaySeeDetails(stock, context);
    return stock.reserved;
  },
  lowStockThreshold: async (stock, _args, context) => {
    await assertMaySeeDetails(stock, context);
    return stock.lowStockThreshold;
  },
  warehouses: async (stock, _args, context) => {
    await assertMaySeeDetails(stock, context);
    // Stock levels exist only for variants inventory knows.
    return stock.sellerId === null ? [] : context.loaders.warehouseLevelsByVariantId.load(stock.variantId);
  },
  variant: (stock) => ({ id: stock.variantId }),
};
