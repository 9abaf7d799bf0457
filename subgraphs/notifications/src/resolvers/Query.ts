import type { QueryResolvers } from '../__generated__/resolvers-types';
import { failures } from '../inbox';

export const Query: QueryResolvers = {
  notificationFailures: (_root, args, { db }) => failures(db, args),
};
