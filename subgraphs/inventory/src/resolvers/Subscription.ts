import { notImplemented } from '@marketplace/runtime';
import type { SubscriptionResolvers } from '../__generated__/resolvers-types';

/** Live stock events are served by the gateway in a later milestone. */
export const Subscription: SubscriptionResolvers = {
  stockChanged: {
    subscribe: () => {
      throw notImplemented('stockChanged');
    },
  },
  lowStockAlert: {
    subscribe: () => {
      throw notImplemented('lowStockAlert');
    },
  },
};
