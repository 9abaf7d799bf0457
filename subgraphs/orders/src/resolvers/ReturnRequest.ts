import type { ReturnRequestResolvers } from '../__generated__/resolvers-types';

export const ReturnRequest: ReturnRequestResolvers = {
  lines: (r, _args, { loaders }) => loaders.linesByReturnRequestId.load(r.id),
  order: async (r, _args, { loaders }) => (await loaders.orderById.load(r.orderId))!,
};
