import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { op } from '../scripts/contract';
import type { Stack } from '../scripts/stack';
import { placeOrderFromTwoStores, startMarketplace } from './helpers';

let stack: Stack;
let admin: string;
let categoryId: string;
let warehouseId: string;

beforeAll(async () => {
  ({ stack, admin, categoryId, warehouseId } = await startMarketplace());
}, 60_000);
afterAll(() => stack.stop());

const boughtOrder = () => placeOrderFromTwoStores(stack, categoryId, warehouseId);

const ship = (token: string, orderId: string, lineIds: string[]) =>
  stack.request(op('ShipOrderLines'), { input: { orderId, lineIds, carrier: 'UPS', trackingNumber: `1Z${randomUUID().slice(0, 10)}` } }, token);
const detail = async (id: string, token: string) => (await stack.request(op('OrderDetail'), { id }, token)).data.order;

describe('an order from checkout to delivery and back', () => {
  it('ships by store, captures at the first parcel, delivers, returns and refunds', async () => {
    const { order, buyer, storeA, storeB, lineA, lineB, productA } = await boughtOrder();
    expect(order.total).toEqual({ amount: 7499, currencyCode: 'USD' });

    // Each store ships its own line; another store's line is refused.
    expect((await ship(storeB.token, order.id, [lineA])).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const first = await ship(storeA.token, order.id, [lineA]);
    expect(first.data.shipOrderLines).toMatchObject({ order: { status: 'PARTIALLY_SHIPPED' }, userErrors: [] });
    expect((await detail(order.id, buyer.token)).payment.status).toBe('CAPTURED');
    const second = await ship(storeB.token, order.id, [lineB]);
    expect(second.data.shipOrderLines.order.status).toBe('SHIPPED');
    // Shipping took the units off the shelf for good: 10 on hand - 2 shipped.
    const page = await stack.request(op('ProductPage'), { id: productA });
    expect(page.data.product.variants[0].stock.available).toBe(8);

    // A store sees only its own lines of the order.
    const asStoreB = await detail(order.id, storeB.token);
    expect(asStoreB.lines.map((l: { id: string }) => l.id)).toEqual([lineB]);

    for (const { shipment, token } of [
      { shipment: first.data.shipOrderLines.shipment, token: storeA.token },
      { shipment: second.data.shipOrderLines.shipment, token: storeB.token },
    ]) {
      const delivered = await stack.request(op('MarkShipmentDelivered'), { id: shipment.id }, token);
      expect(delivered.data.markShipmentDelivered.userErrors).toEqual([]);
    }
    const arrived = await detail(order.id, buyer.token);
    expect(arrived.status).toBe('DELIVERED');

    // Delivered, the buyer reviews it: a verified purchase (reviews learned it from order.confirmed).
    const review = await stack.request(
      op('WriteReview'),
      { input: { productId: productA, rating: 5, title: 'Just right', body: 'Warm, light and well made.' } },
      buyer.token,
    );
    expect(review.data.writeReview).toMatchObject({ review: { status: 'PUBLISHED', verifiedPurchase: true }, userErrors: [] });
    expect(arrived.shipments.every((s: { status: string; deliveredAt: string }) => s.status === 'DELIVERED' && s.deliveredAt)).toBe(true);

    // The buyer returns store A's line; an operator approves: refunded and back on hand.
    const asked = await stack.request(op('RequestReturn'), { orderId: order.id, lineIds: [lineA], reason: 'Too small' }, buyer.token);
    expect(asked.data.requestReturn.returnRequest).toMatchObject({ status: 'REQUESTED', lines: [{ id: lineA }] });
    const approved = await stack.request(op('ApproveReturn'), { id: asked.data.requestReturn.returnRequest.id }, admin);
    expect(approved.data.approveReturn).toMatchObject({
      returnRequest: { status: 'APPROVED' },
      order: { status: 'DELIVERED', payment: { status: 'PARTIALLY_REFUNDED', refunds: [{ amount: { amount: 6000, currencyCode: 'USD' }, status: 'SUCCEEDED' }] } },
      userErrors: [],
    });
    const restocked = await stack.request(op('ProductPage'), { id: productA });
    expect(restocked.data.product.variants[0].stock.available).toBe(10);

    // An operator refunds part of the rest; never more than captured.
    const paymentId = (await detail(order.id, buyer.token)).payment.id;
    const refund = await stack.request(op('RefundPayment'), { paymentId, amount: 500, reason: 'goodwill' }, admin);
    expect(refund.data.refundPayment).toMatchObject({ payment: { refundedAmount: { amount: 6500 } }, userErrors: [] });
    const tooMuch = await stack.request(op('RefundPayment'), { paymentId, amount: 1000 }, admin);
    expect(tooMuch.data.refundPayment.userErrors[0].code).toBe('REFUND_EXCEEDS_CAPTURED');

    const events = (await detail(order.id, buyer.token)).events.map((e: { status: string }) => e.status);
    expect(events).toEqual(['PENDING_PAYMENT', 'CONFIRMED', 'PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED', 'RETURN_REQUESTED', 'DELIVERED']);
  });

  it('cancels before shipping: payment voided, stock released; not after', async () => {
    const { order, buyer, productA } = await boughtOrder();
    const cancelled = await stack.request(op('CancelOrder'), { id: order.id }, buyer.token);
    expect(cancelled.data.cancelOrder).toMatchObject({ order: { status: 'CANCELLED', payment: { status: 'VOIDED' } }, userErrors: [] });
    const page = await stack.request(op('ProductPage'), { id: productA });
    expect(page.data.product.variants[0].stock.available).toBe(10);

    const shipped = await boughtOrder();
    await ship(shipped.storeA.token, shipped.order.id, [shipped.lineA]);
    const late = await stack.request(op('CancelOrder'), { id: shipped.order.id }, shipped.buyer.token);
    expect(late.data.cancelOrder.userErrors[0].code).toBe('INVALID_STATE');
  });
});
