import { money } from '@marketplace/runtime';
import type { CartLineResolvers } from '../__generated__/resolvers-types';

export const CartLine: CartLineResolvers = {
  variant: (l) => ({ id: l.variantId }),
  // The catalog's current price, not a stored one.
  unitPrice: async (l, _args, { loaders }) => {
    const summary = (await loaders.variantSummary.load(l.variantId))!;
    return money(summary.price, summary.currencyCode);
  },
  lineTotal: async (l, _args, { loaders }) => {
    const summary = (await loaders.variantSummary.load(l.variantId))!;
    return money(summary.price * l.quantity, summary.currencyCode);
  },
};
