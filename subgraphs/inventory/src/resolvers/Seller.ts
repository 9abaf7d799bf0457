import { badUserInput, forbidden, isId } from '@marketplace/runtime';
import type { SellerResolvers } from '../__generated__/resolvers-types';
import { maySeeStockOf } from '../access';
import { MAX_LOW_STOCK_THRESHOLD } from '../db/schema';
import { lowStockOfSeller } from '../stock';

export const Seller: SellerResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  lowStock: async (seller, { threshold }, { db, identity }) => {
    if (!maySeeStockOf(identity, seller.id, ['INVENTORY_READ'])) throw forbidden('Only the store itself may see its low stock.');
    if (threshold != null && (threshold < 0 || threshold > MAX_LOW_STOCK_THRESHOLD)) {
      throw badUserInput(`threshold must be between 0 and ${MAX_LOW_STOCK_THRESHOLD}.`);
    }
    return isId(seller.id) ? lowStockOfSeller(db, seller.id, threshold ?? null) : [];
  },
};
