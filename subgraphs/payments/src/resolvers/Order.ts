import { isAdmin } from '@marketplace/runtime';
import type { OrderResolvers } from '../__generated__/resolvers-types';

export const Order: OrderResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  // Payments keeps the customer of each payment so it can decide access itself: the payment
  // is the order's customer's and operators' (and our services'), nobody else's.
  payment: async (order, _args, { loaders, identity }) => {
    const payment = await loaders.paymentByOrderId.load(order.id);
    if (!payment) return null;
    const mayRead =
      identity.kind === 'service' ||
      isAdmin(identity) ||
      (identity.kind === 'user' && identity.userId === payment.customerId);
    return mayRead ? payment : null;
  },
};
