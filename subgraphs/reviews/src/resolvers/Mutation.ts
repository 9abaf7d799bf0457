import { notImplemented, requireUser } from '@marketplace/runtime';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import { markReviewHelpful, moderateReview } from '../review-actions';

export const Mutation: MutationResolvers = {
  writeReview: () => {
    // Needs purchase events from orders (verifiedPurchase) and the product's seller: next milestone.
    throw notImplemented('writeReview');
  },
  markReviewHelpful: (_parent, { reviewId }, { db, identity }) =>
    markReviewHelpful(db, reviewId, requireUser(identity).userId),
  moderateReview: (_parent, { reviewId, decision }, { db }) => moderateReview(db, reviewId, decision),
};
