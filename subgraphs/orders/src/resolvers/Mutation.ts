import { notImplemented, requireUser } from '@marketplace/runtime';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import { addToCart, removeCartLine, updateCartLine } from '../cart';

const cartPayload = (result: Awaited<ReturnType<typeof addToCart>>) =>
  'cart' in result ? { cart: result.cart, userErrors: [] } : { cart: null, userErrors: result.errors };
const commerceCore = (what: string) => () => {
  throw notImplemented(`${what} (commerce core milestone)`);
};

export const Mutation: MutationResolvers = {
  addToCart: async (_parent, { variantId, quantity }, { identity }) =>
    cartPayload(await addToCart(requireUser(identity).userId, variantId, quantity)),
  updateCartLine: async (_parent, { lineId, quantity }, { identity }) =>
    cartPayload(await updateCartLine(requireUser(identity).userId, lineId, quantity)),
  removeCartLine: async (_parent, { lineId }, { identity }) => cartPayload(await removeCartLine(requireUser(identity).userId, lineId)),
  checkout: commerceCore('Checkout'),
  cancelOrder: commerceCore('Cancelling orders'),
  shipOrderLines: commerceCore('Shipping'),
  markShipmentDelivered: commerceCore('Delivery tracking'),
  requestReturn: commerceCore('Returns'),
  approveReturn: commerceCore('Returns'),
  rejectReturn: commerceCore('Returns'),
};
