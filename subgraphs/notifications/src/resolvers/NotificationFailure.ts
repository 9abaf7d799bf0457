import type { NotificationFailureResolvers } from '../__generated__/resolvers-types';

export const NotificationFailure: NotificationFailureResolvers = {
  id: (f) => f.notificationId,
};
