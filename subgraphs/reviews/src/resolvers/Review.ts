import type { ReviewResolvers } from '../__generated__/resolvers-types';
import { maySeeReview } from '../visibility';

export const Review: ReviewResolvers = {
  __resolveReference: async (ref, { loaders, identity }) => {
    const review = await loaders.reviewById.load(ref.id);
    return review && maySeeReview(identity, review) ? review : null;
  },
  author: (review) => ({ id: review.authorId }),
  product: (review) => ({ id: review.productId }),
};
