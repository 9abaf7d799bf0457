import type { OrderConnectionResolvers } from '../__generated__/resolvers-types';
import { orderCount, orderEdges, orderPageInfo } from '../order-list';

/** Each part of an order list is fetched only if the client asks for it. */
export const OrderConnection: OrderConnectionResolvers = {
  edges: (list, _args, ctx) => orderEdges(ctx, list),
  pageInfo: (list, _args, ctx) => orderPageInfo(ctx, list),
  totalCount: (list, _args, ctx) => orderCount(ctx, list),
};
