import { isId, userError } from '@marketplace/runtime';
import { randomUUID } from 'node:crypto';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import { paymentService } from '../payment-service';

export const Mutation: MutationResolvers = {
  refundPayment: async (_parent, { paymentId, amount, reason }) => {
    if (!isId(paymentId)) return { payment: null, refund: null, userErrors: [userError('NOT_FOUND', 'No such payment.', ['paymentId'])] };
    if (reason && reason.length > 500) {
      return { payment: null, refund: null, userErrors: [userError('TOO_LONG', 'The reason must be at most 500 characters.', ['reason'])] };
    }
    // Each operator refund is a new refund: a fresh idempotency key.
    const result = await paymentService.refund(paymentId, amount, reason?.trim() || null, `operator:${randomUUID()}`);
    if ('error' in result) return { payment: null, refund: null, userErrors: [result.error] };
    return { ...result, userErrors: [] };
  },
};
