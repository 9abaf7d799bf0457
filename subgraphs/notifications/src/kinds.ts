/** The kinds of notifications, and which cannot be turned off. */
import type { NotificationKind } from './__generated__/resolvers-types';

export const NOTIFICATION_KINDS = [
  'ORDER_CONFIRMED',
  'SHIPMENT_SENT',
  'SHIPMENT_DELIVERED',
  'ORDER_CANCELLED',
  'PAYMENT_FAILED',
  'RETURN_REQUESTED',
  'RETURN_APPROVED',
  'RETURN_REJECTED',
  'REFUND_ISSUED',
  'NEW_ORDER_LINES',
  'RETURN_ON_LINES',
  'LOW_STOCK',
  'REVIEW_FLAGGED',
] as const satisfies readonly NotificationKind[];

/**
 * Messages about money and commitments: confirmations, payments, refunds, return decisions and a
 * store's lines to ship. Opting out of them is refused; everything else may be turned off.
 */
export const TRANSACTIONAL_KINDS: ReadonlySet<NotificationKind> = new Set<NotificationKind>([
  'ORDER_CONFIRMED',
  'ORDER_CANCELLED',
  'PAYMENT_FAILED',
  'RETURN_REQUESTED',
  'RETURN_APPROVED',
  'RETURN_REJECTED',
  'REFUND_ISSUED',
  'NEW_ORDER_LINES',
]);
