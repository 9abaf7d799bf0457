import { money } from '@marketplace/runtime';
import type { QueryResolvers } from '../__generated__/resolvers-types';
import { orderAsSeenBy } from '../access';
import { orderList } from '../order-list';
import { SHIPPING_OPTIONS } from '../shipping';

export const Query: QueryResolvers = {
  order: async (_parent, { id }, { identity, loaders }) => orderAsSeenBy(identity, loaders, await loaders.orderById.load(id)),
  orders: (_parent, { status, first, after }) => orderList({ status, first, after }),
  shippingOptions: () => SHIPPING_OPTIONS.map((o) => ({ speed: o.speed, cost: money(o.cost), days: o.days })),
};
