/**
 * Which notifications an event calls for, and to whom: the customer of the order it is about
 * (from the event itself, never from the caller of anything), the stores whose lines it concerns,
 * or the operators. Pure: the data every message needs travels in the events.
 */
import type { DomainEvent } from '@marketplace/runtime';
import type { NotificationKind } from './__generated__/resolvers-types';
import type { Line, Message, MessageData } from './templates/messages';

/** Who a notification is for, before their address is known. */
export type Audience = { customer: string } | { seller: string } | { operators: true };

export interface Draft {
  event: DomainEvent;
  kind: NotificationKind;
  audience: Audience;
  orderId: string | null;
  /** The country the order ships to: the customer's locale. */
  country: string | null;
  /** The message, once the store's name is known for a store's message. */
  message: (store: { storeName: string }) => Message;
}

/** Topics notifications follows. */
export const NOTIFYING_TOPICS = [
  'order.confirmed',
  'order.updated',
  'shipment.sent',
  'shipment.delivered',
  'return.updated',
  'refund.issued',
  'stock.low',
  'review.flagged',
] as const;

/** What the order events share (`order.updated` has neither country nor currency). */
interface OrderEvent {
  orderId: string;
  orderNumber?: string;
  customerId: string;
  shipCountry?: string;
  currencyCode: string;
}
type SellerLine = Line & { sellerId: string; unitPrice: number };

const message = <K extends NotificationKind>(kind: K, data: MessageData[K]) => ({ kind, data }) as Message;

function forCustomer<K extends NotificationKind>(event: DomainEvent, p: OrderEvent, kind: K, data: MessageData[K]): Draft {
  return { event, kind, audience: { customer: p.customerId }, orderId: p.orderId, country: p.shipCountry ?? null, message: () => message(kind, data) };
}

/** One draft per store with lines in `lines`, each telling it of its own lines only. */
function perStore(
  event: DomainEvent,
  p: OrderEvent,
  lines: SellerLine[],
  kind: 'NEW_ORDER_LINES' | 'RETURN_ON_LINES',
  data: (own: Line[], storeName: string) => MessageData[typeof kind],
): Draft[] {
  const bySeller = new Map<string, Line[]>();
  for (const { sellerId, ...line } of lines) bySeller.set(sellerId, [...(bySeller.get(sellerId) ?? []), line]);
  return [...bySeller].map(([sellerId, own]) => ({
    event,
    kind,
    audience: { seller: sellerId },
    orderId: p.orderId,
    country: null,
    message: ({ storeName }) => message(kind, data(own, storeName)),
  }));
}

const orderData = (p: OrderEvent) => ({ orderId: p.orderId, orderNumber: p.orderNumber, currencyCode: p.currencyCode });

export function plan(event: DomainEvent): Draft[] {
  const p = event.payload as Record<string, any>;
  switch (event.topic) {
    case 'order.confirmed': {
      const order = p as OrderEvent & { lines: SellerLine[]; subtotal: number; shippingCost: number; total: number; estimatedDelivery: string };
      // Events written before the payload carried totals cannot be told of properly: skipped.
      if (order.total === undefined) return [];
      const lines = order.lines.map(({ title, quantity, unitPrice }) => ({ title, quantity, unitPrice }));
      return [
        forCustomer(event, order, 'ORDER_CONFIRMED', {
          ...orderData(order),
          lines,
          subtotal: order.subtotal,
          shippingCost: order.shippingCost,
          total: order.total,
          estimatedDelivery: order.estimatedDelivery,
        }),
        ...perStore(event, order, order.lines, 'NEW_ORDER_LINES', (own, storeName) => ({ ...orderData(order), storeName, lines: own })),
      ];
    }
    case 'order.updated': {
      // Only the endings that no other event tells of.
      const order = p as OrderEvent;
      const ref = { orderId: order.orderId, orderNumber: order.orderNumber };
      if (p.status === 'CANCELLED') return [forCustomer(event, order, 'ORDER_CANCELLED', ref)];
      if (p.status === 'PAYMENT_FAILED') return [forCustomer(event, order, 'PAYMENT_FAILED', ref)];
      return [];
    }
    case 'shipment.sent':
      return [forCustomer(event, p as OrderEvent, 'SHIPMENT_SENT', { ...orderData(p as OrderEvent), carrier: p.carrier, trackingNumber: p.trackingNumber, lines: p.lines })];
    case 'shipment.delivered':
      return [
        forCustomer(event, p as OrderEvent, 'SHIPMENT_DELIVERED', {
          ...orderData(p as OrderEvent),
          carrier: p.carrier,
          trackingNumber: p.trackingNumber,
          deliveredAt: p.deliveredAt,
          lines: p.lines,
        }),
      ];
    case 'return.updated': {
      const order = p as OrderEvent;
      const lines = p.lines as SellerLine[];
      const customerLines = lines.map(({ title, quantity, unitPrice }) => ({ title, quantity, unitPrice }));
      if (p.status === 'REQUESTED') {
        return [
          forCustomer(event, order, 'RETURN_REQUESTED', { ...orderData(order), returnRequestId: p.returnRequestId, lines: customerLines, reason: p.reason }),
          ...perStore(event, order, lines, 'RETURN_ON_LINES', (own, storeName) => ({ ...orderData(order), storeName, lines: own, reason: p.reason })),
        ];
      }
      if (p.status === 'APPROVED') return [forCustomer(event, order, 'RETURN_APPROVED', { ...orderData(order), lines: customerLines, refundAmount: p.refundAmount })];
      if (p.status === 'REJECTED') return [forCustomer(event, order, 'RETURN_REJECTED', { ...orderData(order), lines: customerLines, note: p.note })];
      return [];
    }
    case 'refund.issued':
      return [forCustomer(event, p as OrderEvent, 'REFUND_ISSUED', { ...orderData(p as OrderEvent), amount: p.amount })];
    case 'stock.low':
      return [
        {
          event,
          kind: 'LOW_STOCK',
          audience: { seller: p.sellerId },
          orderId: null,
          country: null,
          // Titles and SKU are filled in by the consumer from products (`variantsByIds`).
          message: ({ storeName }) =>
            message('LOW_STOCK', {
              storeName,
              productId: p.productId,
              productTitle: p.productTitle ?? '',
              variantTitle: p.variantTitle ?? '',
              sku: p.sku ?? '',
              available: p.available,
              threshold: p.lowStockThreshold,
            }),
        },
      ];
    case 'review.flagged':
      return [
        {
          event,
          kind: 'REVIEW_FLAGGED',
          audience: { operators: true },
          orderId: null,
          country: null,
          message: () => message('REVIEW_FLAGGED', { reviewId: p.reviewId, productTitle: p.productTitle, rating: p.rating, title: p.title, reasons: p.reasons }),
        },
      ];
    default:
      return [];
  }
}
