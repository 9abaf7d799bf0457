import type { ProductVariantResolvers } from '../__generated__/resolvers-types';

export const ProductVariant: ProductVariantResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  stock: (variant, _args, { loaders }) => loaders.stockByVariantId.load(variant.id),
};
