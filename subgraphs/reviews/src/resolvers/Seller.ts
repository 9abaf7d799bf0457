import type { SellerResolvers } from '../__generated__/resolvers-types';

export const Seller: SellerResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  rating: (seller, _args, { loaders }) => loaders.sellerRating.load(seller.id),
};
