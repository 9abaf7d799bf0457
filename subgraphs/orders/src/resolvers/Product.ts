import { badUserInput } from '@marketplace/runtime';
import type { ProductResolvers } from '../__generated__/resolvers-types';

export const Product: ProductResolvers = {
  frequentlyBoughtTogether: async (product, { first }, { loaders }) => {
    const limit = first ?? 4;
    if (!Number.isInteger(limit) || limit < 1 || limit > 20) throw badUserInput('first must be 1 to 20.');
    const candidates = await loaders.coPurchases.load(product.id);
    const active = await loaders.productIsActive.loadMany(candidates.map((c) => c.otherId));
    return candidates
      .filter((_c, i) => active[i] === true)
      .slice(0, limit)
      .map((c) => ({ id: c.otherId }));
  },
};
