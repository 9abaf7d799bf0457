import { money } from '@marketplace/runtime';
import type { OrderLineResolvers } from '../__generated__/resolvers-types';

export const OrderLine: OrderLineResolvers = {
  // Prices of the moment of purchase; the currency is the order's, which only the line's order knows.
  unitPrice: async (l, _args, { loaders }) => money(l.unitPrice, (await loaders.orderById.load(l.orderId))!.currencyCode),
  lineTotal: async (l, _args, { loaders }) => money(l.unitPrice * l.quantity, (await loaders.orderById.load(l.orderId))!.currencyCode),
  variant: (l) => ({ id: l.variantId }),
  seller: (l) => ({ id: l.sellerId }),
};
