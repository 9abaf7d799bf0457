import { actingSellerId, SCOPES } from '@marketplace/runtime';
import type { QueryResolvers } from '../__generated__/resolvers-types';

export const Query: QueryResolvers = {
  // API keys act for a store, not for a person: they have no `me`.
  me: (_parent, _args, { identity, loaders }) => (identity.kind === 'user' ? loaders.userById.load(identity.userId) : null),
  mySeller: (_parent, _args, { identity, loaders }) => {
    const sellerId = actingSellerId(identity, SCOPES);
    return sellerId ? loaders.sellerById.load(sellerId) : null;
  },
  seller: (_parent, { id }, { loaders }) => loaders.sellerById.load(id),
};
