import type { Resolvers } from '../__generated__/resolvers-types';
import { Mutation } from './Mutation';
import { Notification } from './Notification';
import { NotificationFailure } from './NotificationFailure';
import { Query } from './Query';
import { User } from './User';

export const resolvers: Resolvers = { Query, Mutation, User, Notification, NotificationFailure };
