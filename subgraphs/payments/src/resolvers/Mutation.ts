import { notImplemented } from '@marketplace/runtime';
import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  refundPayment: () => {
    throw notImplemented('Refunds (commerce core milestone)');
  },
};
