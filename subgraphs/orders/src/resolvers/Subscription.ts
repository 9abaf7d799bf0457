import { forbidden, isAdmin, liveEvents, type Identity } from '@marketplace/runtime';
import type { OrderRow } from '../db/schema';
import type { SubscriptionOrderUpdatedArgs, SubscriptionResolvers } from '../__generated__/resolvers-types';
import type { Context } from '../context';
import type { OrderParent } from '../mappers';

/** Changes of an order: its own lifecycle events and those of its payment (keyed by order id too). */
const ORDER_TOPICS = ['order.updated', 'payment.updated'];

/** Only the order's customer and operators follow an order; anyone else learns nothing, not even that it exists. */
function followableOrder(identity: Identity, order: OrderRow | null): OrderParent {
  const allowed = order && (isAdmin(identity) || (identity.kind === 'user' && identity.userId === order.customerId));
  if (!allowed) throw forbidden('Only the customer who placed this order and operators may follow it.');
  return { ...order, viewerSellerId: null };
}

export const Subscription: SubscriptionResolvers = {
  orderUpdated: {
    subscribe: async (_parent, { orderId }, { identity, loaders, resumeAfter }) => {
      followableOrder(identity, await loaders.orderById.load(orderId));
      return liveEvents(ORDER_TOPICS, { after: resumeAfter, matches: (event) => event.key === orderId });
    },
    // Per event, with a fresh context: the order as it is after the change, re-checked.
    resolve: async (_event: unknown, { orderId }: SubscriptionOrderUpdatedArgs, { identity, loaders }: Context) => followableOrder(identity, await loaders.orderById.load(orderId)),
  },
};
