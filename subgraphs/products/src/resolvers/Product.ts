import { money } from '@marketplace/runtime';
import type { ProductResolvers } from '../__generated__/resolvers-types';
import { isVisible } from '../visibility';

export const Product: ProductResolvers = {
  __resolveReference: async (ref, { loaders, identity }) => {
    const product = await loaders.productById.load(ref.id);
    return product && isVisible(identity, product) ? product : null;
  },
  price: (p) => money(p.minPrice, p.currencyCode),
  category: async (p, _args, { loaders }) => (await loaders.categoryById.load(p.categoryId))!,
  seller: (p) => ({ id: p.sellerId }),
  variants: (p, _args, { loaders }) => loaders.variantsByProductId.load(p.id),
  // Asked only in listings of products, which provide them from products' copies (schema.graphql).
  inStock: (p) => p.inStock,
  rating: (p) => ({ average: p.ratingCount === 0 ? null : p.ratingAverage, count: p.ratingCount }),
};
