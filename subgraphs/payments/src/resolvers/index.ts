import type { Resolvers } from '../__generated__/resolvers-types';
import { Mutation } from './Mutation';
import { Order } from './Order';
import { Payment } from './Payment';
import { Refund } from './Refund';

export const resolvers: Resolvers = { Mutation, Order, Payment, Refund };
