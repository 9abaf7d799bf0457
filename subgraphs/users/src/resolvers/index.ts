import type { Resolvers } from '../__generated__/resolvers-types';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { Seller } from './Seller';
import { User } from './User';

export const resolvers: Resolvers = { Query, Mutation, User, Seller };
