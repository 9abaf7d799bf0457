import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '@marketplace/runtime';
import { render } from '@react-email/components';
import { NOTIFICATION_KINDS } from '../src/kinds';
import { plan } from '../src/planner';
import { formatMoney, localeOfCountry } from '../src/templates/format';
import { composeMessage, renderMessage, type Message } from '../src/templates/messages';

const order = { orderId: '0b5c3f7e-6a55-4c8e-9d5e-2b8f0f5f8a11', orderNumber: 'MK-100001', currencyCode: 'USD' };
const lines = [{ title: 'Trail Runner — Size 40', quantity: 2, unitPrice: 3000 }];
const SAMPLES: { [K in Message['kind']]: Extract<Message, { kind: K }>['data'] } = {
  ORDER_CONFIRMED: { ...order, lines, subtotal: 6000, shippingCost: 500, total: 6500, estimatedDelivery: '2026-12-10T00:00:00.000Z' },
  SHIPMENT_SENT: { ...order, carrier: 'UPS', trackingNumber: '1Z999', lines },
  SHIPMENT_DELIVERED: { ...order, carrier: 'UPS', trackingNumber: '1Z999', deliveredAt: '2026-12-09T15:00:00.000Z', lines },
  ORDER_CANCELLED: order,
  PAYMENT_FAILED: order,
  RETURN_REQUESTED: { ...order, returnRequestId: 'rr-1', lines, reason: 'Too small' },
  RETURN_APPROVED: { ...order, lines, refundAmount: 6000 },
  RETURN_REJECTED: { ...order, lines, note: 'Worn' },
  REFUND_ISSUED: { ...order, amount: 6000 },
  NEW_ORDER_LINES: { ...order, storeName: 'Stride', lines },
  RETURN_ON_LINES: { ...order, storeName: 'Stride', lines, reason: 'Too small' },
  LOW_STOCK: { storeName: 'Stride', productId: 'p1', productTitle: 'Trail Runner', variantTitle: 'Size 40', sku: 'TR-40', available: 2, threshold: 5 },
  REVIEW_FLAGGED: { reviewId: 'r1', productTitle: 'Lantern', rating: 1, title: 'Cheaper elsewhere', reasons: ['LINK'] },
};

describe('message templates', () => {
  it.each(NOTIFICATION_KINDS)('render %s as HTML and plain text', (kind) => {
    const rendered = renderMessage({ kind, data: SAMPLES[kind] } as Message, { name: 'Jo', locale: 'en-US' });
    expect(rendered.subject.length).toBeGreaterThan(5);
    expect(rendered.html).toMatch(/^<!DOCTYPE html/);
    expect(rendered.text).toContain('Hello Jo');
    expect(rendered.text).not.toMatch(/<\w+/);
  });

  it.each(NOTIFICATION_KINDS)('render %s as React Email renders it, less the comments React leaves for hydration', async (kind) => {
    const message = { kind, data: SAMPLES[kind] } as Message;
    const to = { name: 'Zoë <Jo>', locale: 'de-DE' };
    const streamed = await render(composeMessage(message, to).body);
    expect(renderMessage(message, to).html).toBe(streamed.replace(/<!--(\$|\/\$|html|head|body| )-->/g, ''));
  });

  it('escape what customers wrote', () => {
    const data = { ...SAMPLES.REVIEW_FLAGGED, title: '<script>alert(1)</script>' };
    const { html } = renderMessage({ kind: 'REVIEW_FLAGGED', data }, { name: 'Ops', locale: 'en-US' });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });

  it('format money from minor units in the currency’s own precision and the recipient’s conventions', () => {
    expect(formatMoney(6499, 'USD', 'en-US')).toBe('$64.99');
    expect(formatMoney(6499, 'JPY', 'en-JP')).toBe('¥6,499');
    expect(formatMoney(6499, 'BHD', 'en-US').replace(/\s/g, ' ')).toBe('BHD 6.499');
    expect(formatMoney(6499, 'EUR', 'en-DE')).toBe('€64.99');
  });

  it('take the locale from the country an order ships to, English copy', () => {
    expect(localeOfCountry('US')).toBe('en-US');
    expect(localeOfCountry('de')).toBe('en-DE');
    expect(localeOfCountry('XX')).toBe('en-US');
    expect(localeOfCountry(null)).toBe('en-US');
  });
});

describe('the planner', () => {
  const event = (topic: string, payload: Record<string, unknown>): DomainEvent => ({
    id: 'orders:1', source: 'orders', topic, key: 'k', payload, occurredAt: new Date().toISOString(), streamId: '1-0',
  });

  it('tells the customer and each store of its own lines when an order is confirmed', () => {
    const drafts = plan(
      event('order.confirmed', {
        ...order, customerId: 'c1', shipCountry: 'US', subtotal: 7000, shippingCost: 0, total: 7000, estimatedDelivery: '2026-12-10T00:00:00.000Z',
        lines: [{ sellerId: 's1', title: 'A', quantity: 2, unitPrice: 3000 }, { sellerId: 's2', title: 'B', quantity: 1, unitPrice: 1000 }],
      }),
    );
    expect(drafts.map((d) => [d.kind, d.audience])).toEqual([
      ['ORDER_CONFIRMED', { customer: 'c1' }],
      ['NEW_ORDER_LINES', { seller: 's1' }],
      ['NEW_ORDER_LINES', { seller: 's2' }],
    ]);
    const store = drafts[2]!.message({ storeName: 'B store' });
    expect(store.kind === 'NEW_ORDER_LINES' && store.data.lines).toEqual([{ title: 'B', quantity: 1, unitPrice: 1000 }]);
  });

  it('ignores order updates other than cancellations and failed payments, and old confirmations without totals', () => {
    expect(plan(event('order.updated', { orderId: 'o', customerId: 'c', status: 'SHIPPED' }))).toEqual([]);
    expect(plan(event('order.updated', { orderId: 'o', customerId: 'c', status: 'CANCELLED' })).map((d) => d.kind)).toEqual(['ORDER_CANCELLED']);
    expect(plan(event('order.confirmed', { orderId: 'o', customerId: 'c', lines: [] }))).toEqual([]);
  });
});
