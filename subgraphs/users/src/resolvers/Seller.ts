import { forbidden } from '@marketplace/runtime';
import type { SellerResolvers } from '../__generated__/resolvers-types';

export const Seller: SellerResolvers = {
  __resolveReference: (ref, { loaders }) => loaders.sellerById.load(ref.id),
  // Keys are listed to the store's own session only: not to other sellers, operators or keys.
  apiKeys: (seller, _args, { identity, loaders }) => {
    if (!(identity.kind === 'user' && identity.sellerId === seller.id)) throw forbidden('Only the store itself sees its API keys.');
    return loaders.apiKeysBySellerId.load(seller.id);
  },
};
