import type { ReviewConnectionResolvers } from '../__generated__/resolvers-types';

export const ReviewConnection: ReviewConnectionResolvers = {
  totalCount: (connection) => connection.totalCount(),
  pageInfo: async (connection) => (await connection.page()).pageInfo,
  edges: async (connection) => (await connection.page()).edges,
};
