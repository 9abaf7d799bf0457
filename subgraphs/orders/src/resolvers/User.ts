import { forbidden, isAdmin, type Identity } from '@marketplace/runtime';
import type { UserResolvers } from '../__generated__/resolvers-types';
import { cartOf } from '../cart';
import { orderList } from '../order-list';

const isSelf = (identity: Identity, userId: string) => identity.kind === 'user' && identity.userId === userId;

export const User: UserResolvers = {
  cart: (user, _args, ctx) => {
    if (!isSelf(ctx.identity, user.id)) throw forbidden('A cart is its owner’s alone.');
    return cartOf(ctx, user.id);
  },
  orders: (user, { first, after }, { identity }) => {
    if (!isSelf(identity, user.id) && !isAdmin(identity)) throw forbidden('Orders are their customer’s and operators’.');
    return orderList({ first, after, customerId: user.id });
  },
};
