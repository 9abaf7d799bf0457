import { forbidden, requireUser, type Identity } from '@marketplace/runtime';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import type { Context } from '../context';
import { login, logout, refreshSession, register } from '../accounts';
import { addAddress, removeAddress, updateAddress } from '../address-book';
import { createApiKey, revokeApiKey } from '../api-keys';
import { becomeSeller } from '../stores';
import { addToWishlist, removeFromWishlist } from '../wishlist';

/** The store of the signed-in seller; API keys never manage keys (the @auth rule refuses them). */
function ownStoreId(identity: Identity): string {
  const { sellerId } = requireUser(identity);
  if (!sellerId) throw forbidden('Open a store first.');
  return sellerId;
}

/** Lets the rest of this response read the account that just proved its credentials (see Context). */
function signedIn<P extends { user: { id: string } | null }>(context: Context, payload: P): P {
  if (payload.user) context.signedInUserIds.add(payload.user.id);
  return payload;
}

export const Mutation: MutationResolvers = {
  register: async (_parent, { input }, context) => signedIn(context, await register(input)),
  login: async (_parent, { email, password }, context) => signedIn(context, await login(email, password)),
  refreshSession: async (_parent, { refreshToken }, context) => signedIn(context, await refreshSession(refreshToken)),
  logout: (_parent, { refreshToken }) => logout(refreshToken),

  addAddress: (_parent, { input }, { identity }) => addAddress(requireUser(identity).userId, input),
  updateAddress: (_parent, { id, input }, { identity }) => updateAddress(requireUser(identity).userId, id, input),
  removeAddress: (_parent, { id }, { identity }) => removeAddress(requireUser(identity).userId, id),

  addToWishlist: (_parent, { productId }, { identity }) => addToWishlist(requireUser(identity).userId, productId),
  removeFromWishlist: (_parent, { productId }, { identity }) => removeFromWishlist(requireUser(identity).userId, productId),

  becomeSeller: (_parent, { storeName }, { identity }) => becomeSeller(requireUser(identity).userId, storeName),
  createApiKey: (_parent, { name, scopes }, { identity }) => createApiKey(ownStoreId(identity), name, scopes),
  revokeApiKey: (_parent, { id }, { identity }) => revokeApiKey(ownStoreId(identity), id),
};
