import type { ProductResolvers } from '../__generated__/resolvers-types';

export const Product: ProductResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  inStock: (product, _args, { loaders }) => loaders.productInStock.load(product.id),
};
