import { mountInternalRoutes, type HttpApp } from '@marketplace/runtime';
import { randomUUID } from 'node:crypto';
import { paymentService } from './payment-service';

/** Operations the checkout saga and the order lifecycle call (contracts in runtime's internal-api.ts). */
export function mountInternal(app: HttpApp): void {
  mountInternalRoutes<'payments'>(app, {
    authorizePayment: (input) => paymentService.authorize(input),
    paymentStatus: async ({ orderId }) => {
      const payment = await paymentService.paymentOfOrder(orderId);
      return payment ? { status: payment.status } : null;
    },
    capturePayment: async ({ orderId, amount }) => {
      const payment = await paymentService.capture(orderId, amount);
      return { status: payment.status, capturedAmount: payment.capturedAmount };
    },
    voidPayment: async ({ orderId }) => ({ status: (await paymentService.void(orderId))?.status ?? 'NONE' }),
    refundOrderPayment: async ({ orderId, amount, reason, idempotencyKey }) => {
      const payment = await paymentService.paymentOfOrder(orderId);
      if (!payment) throw new Error(`order ${orderId} has no payment`);
      const result = await paymentService.refund(payment.id, amount, reason, idempotencyKey || randomUUID());
      if ('error' in result) throw new Error(`refund refused: ${result.error.code}`);
      return { status: result.payment.status, refundedAmount: result.payment.refundedAmount };
    },
  });
}
