import { notImplemented, requireUser } from '@marketplace/runtime';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import { addToCart, removeCartLine, updateCartLine } from '../cart';

const commerceCore = (what: string) => () => {
  throw notImplemented(`${what} (commerce core milestone)`);
};

export const Mutation: MutationResolvers = {
  addToCart: (_parent, { variantId, quantity }, ctx) => addToCart(ctx, requireUser(ctx.identity).userId, variantId, quantity),
  updateCartLine: (_parent, { lineId, quantity }, ctx) => updateCartLine(ctx, requireUser(ctx.identity).userId, lineId, quantity),
  removeCartLine: (_parent, { lineId }, ctx) => removeCartLine(ctx, requireUser(ctx.identity).userId, lineId),
  checkout: commerceCore('Checkout'),
  cancelOrder: commerceCore('Cancelling orders'),
  shipOrderLines: commerceCore('Shipping'),
  markShipmentDelivered: commerceCore('Delivery tracking'),
  requestReturn: commerceCore('Returns'),
  approveReturn: commerceCore('Returns'),
  rejectReturn: commerceCore('Returns'),
};
