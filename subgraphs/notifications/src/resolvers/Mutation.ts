import { requireUser } from '@marketplace/runtime';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import { running } from '../consumer';
import { markRead, retry, updatePreferences } from '../inbox';

export const Mutation: MutationResolvers = {
  markNotificationsRead: (_root, { ids }, { db, identity }) => markRead(db, requireUser(identity).userId, ids),
  updateNotificationPreferences: (_root, { input }, { db, identity }) => updatePreferences(db, requireUser(identity).userId, input),
  retryNotification: async (_root, { id }, { db }) => {
    const result = await retry(db, id);
    if (result.queued) running.service?.dispatcher?.wake();
    return result;
  },
};
