import { money } from '@marketplace/runtime';
import type { ProductVariantResolvers } from '../__generated__/resolvers-types';
import { isVisible } from '../visibility';

export const ProductVariant: ProductVariantResolvers = {
  // A variant is as visible as its product.
  __resolveReference: async (ref, { loaders, identity }) => {
    const variant = await loaders.variantById.load(ref.id);
    const product = variant && (await loaders.productById.load(variant.productId));
    return product && isVisible(identity, product) ? variant : null;
  },
  price: (v) => money(v.price, v.currencyCode),
  product: async (v, _args, { loaders }) => (await loaders.productById.load(v.productId))!,
};
