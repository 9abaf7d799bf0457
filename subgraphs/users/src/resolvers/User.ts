import { forbidden, isAdmin, unauthenticated } from '@marketplace/runtime';
import type { UserResolvers } from '../__generated__/resolvers-types';
import type { Context } from '../context';

function isSelf({ identity, signedInUserIds }: Context, userId: string): boolean {
  return (identity.kind === 'user' && identity.userId === userId) || signedInUserIds.has(userId);
}

// Our own services complete selections for callers the owning subgraph already authorized
// (an order's customer receiving its events), so they may read what that caller could.
const isService = ({ identity }: Context) => identity.kind === 'service';

function refuse({ identity }: Context, message: string): never {
  throw identity.kind === 'anonymous' ? unauthenticated() : forbidden(message);
}

/** Account details: the user themself and operators. */
function assertMayReadAccount(context: Context, userId: string): void {
  if (!(isSelf(context, userId) || isAdmin(context.identity) || isService(context))) {
    refuse(context, 'Only the account holder and operators see this.');
  }
}

export const User: UserResolvers = {
  __resolveReference: (ref, { loaders }) => loaders.userById.load(ref.id),
  email: (user, _args, context) => {
    assertMayReadAccount(context, user.id);
    return user.email;
  },
  roles: (user, _args, context) => {
    assertMayReadAccount(context, user.id);
    return user.roles;
  },
  addresses: (user, _args, context) => {
    assertMayReadAccount(context, user.id);
    return context.loaders.addressesByUserId.load(user.id);
  },
  wishlist: async (user, _args, context) => {
    if (!(isSelf(context, user.id) || isService(context))) refuse(context, 'Only the account holder sees their wishlist.');
    return (await context.loaders.wishlistByUserId.load(user.id)).map((id) => ({ id }));
  },
  seller: (user, _args, { loaders }) => loaders.sellerByUserId.load(user.id),
};
