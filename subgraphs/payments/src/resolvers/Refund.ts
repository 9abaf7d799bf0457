import { money } from '@marketplace/runtime';
import type { RefundResolvers } from '../__generated__/resolvers-types';

export const Refund: RefundResolvers = {
  amount: (r) => money(r.amount, r.currencyCode),
};
