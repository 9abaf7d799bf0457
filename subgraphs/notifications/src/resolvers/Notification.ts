import type { NotificationResolvers } from '../__generated__/resolvers-types';

export const Notification: NotificationResolvers = {
  body: (n) => n.textBody,
};
