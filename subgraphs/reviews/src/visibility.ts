import { isAdmin, type Identity } from '@marketplace/runtime';
import type { ReviewRow } from './db/schema';

/** Published reviews are everyone's; one waiting for moderation or rejected is its author's and operators'. */
export function maySeeReview(identity: Identity, review: ReviewRow): boolean {
  return (
    review.status === 'PUBLISHED' ||
    isAdmin(identity) ||
    (identity.kind === 'user' && identity.userId === review.authorId)
  );
}
