import { requireUser } from '@marketplace/runtime';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import { markReviewHelpful, moderateReview } from '../review-actions';
import { writeReview } from '../write-review';

export const Mutation: MutationResolvers = {
  writeReview: (_parent, { input }, { db, identity }) => writeReview(db, requireUser(identity).userId, input),
  markReviewHelpful: (_parent, { reviewId }, { db, identity }) =>
    markReviewHelpful(db, reviewId, requireUser(identity).userId),
  moderateReview: (_parent, { reviewId, decision }, { db }) => moderateReview(db, reviewId, decision),
};
