/**
 * Notifications told as the stories, through the gateway with a real SMTP server
 * (smtp-server) receiving: a purchase from two stores through shipping, delivery, a return and
 * its refund mails each person what concerns them, once; replaying the streams mails nothing
 * new; an SMTP outage retries, then dead-letters, and an operator's retry after recovery sends
 * once; an opt-out stops a kind; the inbox is its owner's.
 */
import { createRedis, streamKey } from '@marketplace/runtime';
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { op } from '../scripts/contract';
import type { Stack } from '../scripts/stack';
import { NOTIFYING_TOPICS } from '../subgraphs/notifications/src/planner';
import { running } from '../subgraphs/notifications/src/consumer';
import { checkoutCart, createProduct, placeOrderFromTwoStores, registerCustomer, registerSeller, setStock, startMarketplace } from './helpers';
import { Mailbox } from './mailbox';

const mailbox = new Mailbox();
let stack: Stack;
let admin: string;
let categoryId: string;
let warehouseId: string;
const redis = createRedis();
const sql = postgres(process.env.DATABASE_URL!, { max: 2, onnotice: () => {} });
/** Each stream's last entry before the tests, to replay from. */
const positionsBefore = new Map<string, string>();

async function must(document: string, variables: Record<string, unknown>, token?: string): Promise<any> {
  const res = await stack.request(document, variables, token);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  const payload = Object.values(res.data as object)[0] as any;
  if (payload && typeof payload === 'object' && 'userErrors' in payload) expect(payload.userErrors).toEqual([]);
  return payload;
}

/** Every notification recorded for this address, by kind. */
async function recordedFor(email: string): Promise<Record<string, number>> {
  const rows = await sql<{ kind: string; n: number }[]>`
    select kind, count(*)::int as n from notifications.notifications where recipient_email = ${email} group by kind`;
  return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
}

/** Stream entry ids compared as positions (`<ms>-<seq>`). */
function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  return am! !== bm! ? (am! < bm! ? -1 : 1) : as! === bs! ? 0 : as! < bs! ? -1 : 1;
}

/**
 * Until the group has handed out, and had acknowledged, every entry the notifying streams held
 * when called (other test files keep adding theirs meanwhile).
 */
async function consumersCaughtUp(): Promise<void> {
  const targets = await Promise.all(NOTIFYING_TOPICS.map(async (t) => [t, (await redis.xrevrange(streamKey(t), '+', '-', 'COUNT', 1))[0]?.[0]] as const));
  const caughtUp = async ([topic, target]: readonly [string, string | undefined]) => {
    if (!target) return true;
    const groups = (await redis.xinfo('GROUPS', streamKey(topic))) as unknown[][];
    const group = groups.map((fields) => new Map(fields.flatMap((v, i, all) => (i % 2 ? [] : [[String(v), all[i + 1]] as const])))).find((g) => g.get('name') === 'notifications');
    if (!group || compareIds(String(group.get('last-delivered-id')), target) < 0) return false;
    const [count, oldest] = (await redis.xpending(streamKey(topic), 'notifications')) as [number, string | null];
    return count === 0 || compareIds(oldest!, target) > 0;
  };
  for (let waited = 0; waited < 30_000; waited += 100) {
    if ((await Promise.all(targets.map(caughtUp))).every(Boolean)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the notifications consumers did not catch up');
}

/** Until the consumers have recorded everything published and the dispatcher sent what is due. */
async function settled(): Promise<void> {
  await consumersCaughtUp();
  await running.service!.dispatcher!.idle();
}

beforeAll(async () => {
  await mailbox.start(0);
  process.env.SMTP_URL = `smtp://127.0.0.1:${mailbox.port}`;
  process.env.NOTIFICATION_DELIVERY = 'on';
  process.env.NOTIFICATION_RETRY_BASE_MS = '50';
  process.env.NOTIFICATION_MAX_ATTEMPTS = '3';
  for (const topic of NOTIFYING_TOPICS) {
    positionsBefore.set(topic, (await redis.xrevrange(streamKey(topic), '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0');
  }
  ({ stack, admin, categoryId, warehouseId } = await startMarketplace());
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await mailbox.stop();
  redis.disconnect();
  await sql.end();
});

describe('notifications', () => {
  let journey: Awaited<ReturnType<typeof placeOrderFromTwoStores>>;

  it('mails a purchase from two stores through shipping, delivery, a return and its refund: each person what concerns them, once', async () => {
    journey = await placeOrderFromTwoStores(stack, categoryId, warehouseId);
    const { buyer, storeA, storeB, order, lineA, lineB } = journey;

    const [confirmation] = await mailbox.waitFor(buyer.email, 'ORDER_CONFIRMED');
    // 2 × $30.00 + 1 × $10.00, plus shipping.
    expect(confirmation!.text).toContain('$60.00');
    expect(confirmation!.text).toContain('$10.00');
    const total = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(order.total.amount / 100);
    expect(confirmation!.subject).toBe(`Order ${order.number} is confirmed: ${total}`);
    expect(confirmation!.text).toContain('Estimated delivery');
    expect(confirmation!.html).toContain(`/orders/${order.id}`);
    const [toShipA] = await mailbox.waitFor(storeA.email, 'NEW_ORDER_LINES');
    const [toShipB] = await mailbox.waitFor(storeB.email, 'NEW_ORDER_LINES');
    // Each store hears of its own lines only.
    expect(toShipA!.text).toContain('$60.00');
    expect(toShipA!.text).not.toContain('$10.00');
    expect(toShipB!.text).toContain('$10.00');
    expect(toShipB!.text).not.toContain('$60.00');

    const trackingA = `1Z${randomUUID().slice(0, 10).toUpperCase()}`;
    const shipA = await must(op('ShipOrderLines'), { input: { orderId: order.id, lineIds: [lineA], carrier: 'UPS', trackingNumber: trackingA } }, storeA.token);
    const shipB = await must(op('ShipOrderLines'), { input: { orderId: order.id, lineIds: [lineB], carrier: 'DHL', trackingNumber: 'JD0140' } }, storeB.token);
    const sent = await mailbox.waitFor(buyer.email, 'SHIPMENT_SENT', 2);
    const sentA = sent.find((m) => m.text.includes(trackingA))!;
    expect(sentA.subject).toContain(trackingA);
    expect(sentA.text).toContain('UPS');
    expect(sentA.html).toContain(`/orders/${order.id}`);
    expect(sent.some((m) => m.text.includes('JD0140') && m.text.includes('DHL'))).toBe(true);

    await must(op('MarkShipmentDelivered'), { id: shipA.shipment.id }, storeA.token);
    await must(op('MarkShipmentDelivered'), { id: shipB.shipment.id }, storeB.token);
    await mailbox.waitFor(buyer.email, 'SHIPMENT_DELIVERED', 2);

    const asked = await must(op('RequestReturn'), { orderId: order.id, lineIds: [lineA], reason: 'Too small' }, buyer.token);
    const [instructions] = await mailbox.waitFor(buyer.email, 'RETURN_REQUESTED');
    expect(instructions!.text).toContain(asked.returnRequest.id);
    const [returnNotice] = await mailbox.waitFor(storeA.email, 'RETURN_ON_LINES');
    expect(returnNotice!.text).toContain('Too small');

    await must(op('ApproveReturn'), { id: asked.returnRequest.id }, admin);
    const [approved] = await mailbox.waitFor(buyer.email, 'RETURN_APPROVED');
    expect(approved!.subject).toContain('$60.00');
    const [refund] = await mailbox.waitFor(buyer.email, 'REFUND_ISSUED');
    expect(refund!.subject).toContain('$60.00');

    await settled();
    const kinds = (address: string) => mailbox.to(address).map((m) => m.kind).sort();
    expect(kinds(buyer.email)).toEqual(
      ['ORDER_CONFIRMED', 'REFUND_ISSUED', 'RETURN_APPROVED', 'RETURN_REQUESTED', 'SHIPMENT_DELIVERED', 'SHIPMENT_DELIVERED', 'SHIPMENT_SENT', 'SHIPMENT_SENT'].sort(),
    );
    expect(kinds(storeA.email)).toEqual(['NEW_ORDER_LINES', 'RETURN_ON_LINES']);
    // Store B's line was not returned: it hears nothing of the return.
    expect(kinds(storeB.email)).toEqual(['NEW_ORDER_LINES']);

    // The inbox shows what was sent, to its owner.
    const inbox = await must(op('Notifications'), { first: 20 }, buyer.token);
    expect(inbox.notifications.edges).toHaveLength(8);
    expect(inbox.notifications.unreadCount).toBe(8);
    expect(inbox.notifications.edges.every((e: any) => e.node.status === 'SENT' && e.node.orderId === order.id)).toBe(true);
  }, 120_000);

  it('sends nothing new when the streams are replayed', async () => {
    const { buyer, storeA, storeB } = journey;
    const before = { buyer: await recordedFor(buyer.email), storeA: await recordedFor(storeA.email), storeB: await recordedFor(storeB.email) };
    const mailsBefore = mailbox.received.length;
    const mine = () => [buyer.email, storeA.email, storeB.email].flatMap((a) => mailbox.to(a)).length;
    const mineBefore = mine();
    // Every event since this file started is handed to the group again.
    for (const [topic, position] of positionsBefore) await redis.xgroup('SETID', streamKey(topic), 'notifications', position);
    await settled();
    expect(mine()).toBe(mineBefore);
    expect({ buyer: await recordedFor(buyer.email), storeA: await recordedFor(storeA.email), storeB: await recordedFor(storeB.email) }).toEqual(before);
    expect(mailsBefore).toBeGreaterThan(0);
  }, 60_000);

  it('retries through an SMTP outage, then parks the message for operators; their retry after recovery sends it once', async () => {
    const store = await registerSeller(stack);
    const product = await createProduct(stack, store.token, categoryId, { prices: [1500] });
    await setStock(stack, store.token, product.variants[0]!.id, warehouseId, 10);
    const buyer = await registerCustomer(stack);
    await mailbox.stop();
    const order = await checkoutCart(stack, buyer.token, [{ variantId: product.variants[0]!.id, quantity: 1 }]);

    // Three attempts (NOTIFICATION_MAX_ATTEMPTS), then the dead letter.
    let failure: any;
    for (let waited = 0; !failure && waited < 30_000; waited += 100) {
      const page = await must(op('NotificationFailures'), { first: 100 }, admin);
      failure = page.edges.map((e: any) => e.node).find((n: any) => n.recipientEmail === buyer.email && n.kind === 'ORDER_CONFIRMED');
      if (!failure) await new Promise((r) => setTimeout(r, 100));
    }
    expect(failure, 'the confirmation was dead-lettered').toBeDefined();
    expect(failure.attempts).toBe(3);
    expect(failure.lastError).toMatch(/ECONNREFUSED/);
    expect(failure.lastError).not.toMatch(/\bat .*\.ts:\d+/);
    // Operators are told what failed, not where our servers are.
    expect(failure.lastError).not.toContain('127.0.0.1');
    const [inboxRow] = (await must(op('Notifications'), { first: 5 }, buyer.token)).notifications.edges;
    expect(inboxRow.node.status).toBe('FAILED');

    await mailbox.start();
    expect(mailbox.to(buyer.email)).toEqual([]);
    const retried = await must(op('RetryNotification'), { id: failure.id }, admin);
    expect(retried.queued).toBe(true);
    const [confirmation] = await mailbox.waitFor(buyer.email, 'ORDER_CONFIRMED');
    expect(confirmation!.html).toContain(`/orders/${order.id}`);
    // A second retry finds nothing to retry; the message went once.
    const again = await stack.request(op('RetryNotification'), { id: failure.id }, admin);
    expect(again.data.retryNotification.userErrors[0].code).toBe('NOT_FOUND');
    await settled();
    expect(mailbox.to(buyer.email).filter((m) => m.kind === 'ORDER_CONFIRMED')).toHaveLength(1);
    const page = await must(op('NotificationFailures'), { first: 100 }, admin);
    expect(page.edges.some((e: any) => e.node.id === failure.id)).toBe(false);
  }, 120_000);

  it('stops a kind the customer opted out of, and refuses opting out of transactional kinds', async () => {
    const store = await registerSeller(stack);
    const product = await createProduct(stack, store.token, categoryId, { prices: [2000] });
    await setStock(stack, store.token, product.variants[0]!.id, warehouseId, 10);
    const buyer = await registerCustomer(stack);

    const refused = await stack.request(op('UpdateNotificationPreferences'), { input: [{ kind: 'ORDER_CONFIRMED', enabled: false }] }, buyer.token);
    expect(refused.data.updateNotificationPreferences.userErrors[0].code).toBe('INVALID_INPUT');
    const updated = await must(op('UpdateNotificationPreferences'), { input: [{ kind: 'SHIPMENT_SENT', enabled: false }] }, buyer.token);
    const prefs = Object.fromEntries(updated.preferences.map((p: any) => [p.kind, p]));
    expect(prefs.SHIPMENT_SENT).toEqual({ kind: 'SHIPMENT_SENT', enabled: false, transactional: false });
    expect(prefs.ORDER_CONFIRMED).toEqual({ kind: 'ORDER_CONFIRMED', enabled: true, transactional: true });

    const order = await checkoutCart(stack, buyer.token, [{ variantId: product.variants[0]!.id, quantity: 1 }]);
    const shipped = await must(op('ShipOrderLines'), { input: { orderId: order.id, lineIds: [order.lines[0].id], carrier: 'UPS', trackingNumber: '1ZOPTOUT' } }, store.token);
    await must(op('MarkShipmentDelivered'), { id: shipped.shipment.id }, store.token);
    await mailbox.waitFor(buyer.email, 'SHIPMENT_DELIVERED');
    await settled();
    expect(mailbox.to(buyer.email).map((m) => m.kind).sort()).toEqual(['ORDER_CONFIRMED', 'SHIPMENT_DELIVERED']);
  }, 120_000);

  it('tells a customer of a cancellation and of a failed payment, a store of low stock, and operators of a held review', async () => {
    const store = await registerSeller(stack);
    const title = `Signal Lamp ${randomUUID().slice(0, 6)}`;
    const product = await createProduct(stack, store.token, categoryId, { title, prices: [1200] });
    const variantId = product.variants[0]!.id;
    await setStock(stack, store.token, variantId, warehouseId, 50);
    const buyer = await registerCustomer(stack);

    const order = await checkoutCart(stack, buyer.token, [{ variantId, quantity: 1 }]);
    await must(op('CancelOrder'), { id: order.id }, buyer.token);
    const [cancelled] = await mailbox.waitFor(buyer.email, 'ORDER_CANCELLED');
    expect(cancelled!.subject).toBe(`Cancelled: order ${order.number}`);
    expect(cancelled!.html).toContain(`/orders/${order.id}`);

    const address = await must(op('AddAddress'), { input: { fullName: 'Jo Buyer', line1: '9 Elm St', city: 'Albany', region: 'NY', postalCode: '12207', country: 'US' } }, buyer.token);
    await must(op('AddToCart'), { variantId, quantity: 1 }, buyer.token);
    const declined = await stack.request(
      op('Checkout'),
      { input: { idempotencyKey: randomUUID(), shippingAddressId: address.address.id, paymentToken: 'tok_chargeDeclined' } },
      buyer.token,
    );
    expect(declined.data.checkout.userErrors[0].code).toBe('PAYMENT_DECLINED');
    const [failed] = await mailbox.waitFor(buyer.email, 'PAYMENT_FAILED');
    expect(failed!.text).toContain('nothing was charged');

    // 50 → 1 unit: at or below the default threshold of 5.
    await setStock(stack, store.token, variantId, warehouseId, 1);
    const [low] = await mailbox.waitFor(store.email, 'LOW_STOCK');
    expect(low!.subject).toContain(product.variants[0]!.sku);
    expect(low!.text).toContain('Available: 1 (your threshold: 5)');

    const author = await registerCustomer(stack);
    await must(op('WriteReview'), { input: { productId: product.id, rating: 1, title: 'Cheaper elsewhere', body: 'Buy it at www.example.com instead.' } }, author.token);
    const operatorEmail = process.env.ADMIN_EMAIL ?? 'admin@marketplace.local';
    const heldReview = () => mailbox.to(operatorEmail).find((m) => m.kind === 'REVIEW_FLAGGED' && m.subject.includes(title));
    for (let waited = 0; !heldReview(); waited += 50) {
      if (waited > 20_000) throw new Error('operators were not told of the held review');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(heldReview()!.text).toContain('“Cheaper elsewhere”, was held: LINK');
  }, 120_000);

  it('keeps an inbox its owner’s: others cannot read or mark it, and marking read is the owner’s', async () => {
    const { buyer } = journey;
    const other = await registerCustomer(stack);
    const inbox = await must(op('Notifications'), { first: 3 }, buyer.token);
    const ids = inbox.notifications.edges.map((e: any) => e.node.id);
    expect(inbox.notifications.pageInfo.hasNextPage).toBe(true);
    const next = await must(op('Notifications'), { first: 20, after: inbox.notifications.pageInfo.endCursor }, buyer.token);
    expect(next.notifications.edges.map((e: any) => e.node.id)).not.toContain(ids[0]);

    const otherInbox = await must(op('Notifications'), { first: 20 }, other.token);
    expect(otherInbox.notifications.edges).toEqual([]);
    const stolen = await stack.request(op('MarkNotificationsRead'), { ids }, other.token);
    expect(stolen.data.markNotificationsRead.userErrors[0].code).toBe('NOT_FOUND');
    const operatorTry = await stack.request(op('MarkNotificationsRead'), { ids }, admin);
    expect(operatorTry.data.markNotificationsRead.userErrors[0].code).toBe('NOT_FOUND');

    const marked = await must(op('MarkNotificationsRead'), { ids }, buyer.token);
    expect(marked.notifications.every((n: any) => n.readAt)).toBe(true);
    expect(marked.unreadCount).toBe(inbox.notifications.unreadCount - 3);
    const unread = await must(op('Notifications'), { first: 20, unreadOnly: true }, buyer.token);
    expect(unread.notifications.edges.map((e: any) => e.node.id)).not.toContain(ids[0]);
  }, 60_000);
});
