import { money } from '@marketplace/runtime';
import type { PaymentResolvers } from '../__generated__/resolvers-types';

export const Payment: PaymentResolvers = {
  // Payments are reached only through Order.payment, which decides access; a bare reference is refused.
  __resolveReference: () => null,
  amount: (p) => money(p.amount, p.currencyCode),
  capturedAmount: (p) => money(p.capturedAmount, p.currencyCode),
  refundedAmount: (p) => money(p.refundedAmount, p.currencyCode),
  card: (p) => (p.cardBrand && p.cardLast4 ? { brand: p.cardBrand, last4: p.cardLast4 } : null),
  refunds: (p, _args, { loaders }) => loaders.refundsByPaymentId.load(p.id),
};
