import type { ReturnRequestResolvers } from '../__generated__/resolvers-types';

export const ReturnRequest: ReturnRequestResolvers = {
  lines: async (r, _args, { loaders }) => {
    const lines = await loaders.linesByReturnRequestId.load(r.id);
    return r.viewerSellerId ? lines.filter((l) => l.sellerId === r.viewerSellerId) : lines;
  },
  order: async (r, _args, { loaders }) => ({ ...(await loaders.orderById.load(r.orderId))!, viewerSellerId: r.viewerSellerId }),
};
