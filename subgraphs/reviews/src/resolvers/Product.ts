import { pageSize } from '@marketplace/runtime';
import type { ProductResolvers } from '../__generated__/resolvers-types';
import { reviewConnection } from '../connection';
import { parseAfter, REVIEW_ORDERS } from '../review-order';

export const Product: ProductResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  rating: (product, _args, { loaders }) => loaders.productRating.load(product.id),
  reviews: (product, { first, after, sort }, { loaders }) => {
    const size = pageSize(first);
    const order = REVIEW_ORDERS[sort ?? 'NEWEST'];
    const page = { productId: product.id, order, limit: size + 1, after: parseAfter(order, after) };
    return reviewConnection({
      order,
      size,
      rows: () => loaders.productReviewsPage.load(page),
      // The published count is the rating summary's: one grouped statement serves both fields.
      totalCount: async () => (await loaders.productRating.load(product.id)).count,
    });
  },
};
