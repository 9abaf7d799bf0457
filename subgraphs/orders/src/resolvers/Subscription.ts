import { notImplemented } from '@marketplace/runtime';
import type { SubscriptionResolvers } from '../__generated__/resolvers-types';

export const Subscription: SubscriptionResolvers = {
  orderUpdated: {
    subscribe: () => {
      throw notImplemented('Live order tracking (subscriptions milestone)');
    },
  },
};
