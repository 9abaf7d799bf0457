import { forbidden, type Identity } from '@marketplace/runtime';
import type { UserResolvers } from '../__generated__/resolvers-types';
import { inbox, preferencesOf } from '../inbox';

const isSelf = (identity: Identity, userId: string) => identity.kind === 'user' && identity.userId === userId;

export const User: UserResolvers = {
  notifications: (user, args, { db, identity }) => {
    // Not even operators read someone's inbox: what a store or customer was told is theirs.
    if (!isSelf(identity, user.id)) throw forbidden('An inbox is its owner’s alone.');
    return inbox(db, user.id, args);
  },
  notificationPreferences: (user, _args, { db, identity }) => {
    if (!isSelf(identity, user.id)) throw forbidden('Preferences are their owner’s alone.');
    return preferencesOf(db, user.id);
  },
};
