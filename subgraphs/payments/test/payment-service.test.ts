import { callInternal, startSubgraph, type RunningServer } from '@marketplace/runtime';
import { asAdmin, asUser, subgraphRequest } from '@marketplace/runtime/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../src/db/client';
import { PaymentService } from '../src/payment-service';
import { ResilientProvider } from '../src/provider/resilient';
import { simulatedProvider as simulated } from '../src/provider';
import type { PaymentProvider } from '../src/provider/types';
import { payments } from '../src/index';

/** Counts calls crossing the provider boundary, the one party we simulate. */
function counting(inner: PaymentProvider) {
  const calls = { authorize: 0, capture: 0, void: 0, refund: 0 };
  const provider: PaymentProvider = {
    authorize: (r) => (calls.authorize++, inner.authorize(r)),
    capture: (r) => (calls.capture++, inner.capture(r)),
    void: (r) => (calls.void++, inner.void(r)),
    refund: (r) => (calls.refund++, inner.refund(r)),
  };
  return { provider, calls };
}

const order = (amount = 5000) => ({
  orderId: randomUUID(),
  customerId: randomUUID(),
  amount,
  currencyCode: 'USD',
  paymentToken: 'tok_visa',
});

let server: RunningServer;
beforeAll(async () => {
  server = await startSubgraph(payments, { port: 0 });
  process.env.PAYMENTS_URL = server.url;
});
afterAll(() => server.stop());

describe('authorization', () => {
  const service = new PaymentService(db, new ResilientProvider(simulated));

  it('authorizes the test cards and keeps only brand and last four digits', async () => {
    for (const [token, brand, last4] of [
      ['tok_visa', 'visa', '4242'],
      ['tok_mastercard', 'mastercard', '4444'],
    ] as const) {
      const input = { ...order(), paymentToken: token };
      const outcome = await service.authorize(input);
      expect(outcome.status).toBe('AUTHORIZED');
      const row = await service.paymentOfOrder(input.orderId);
      expect(row).toMatchObject({ status: 'AUTHORIZED', cardBrand: brand, cardLast4: last4, amount: 5000 });
      expect(JSON.stringify(row)).not.toContain(token);
    }
  });

  it.each([
    ['tok_chargeDeclined', 'card_declined'],
    ['tok_chargeDeclinedInsufficientFunds', 'insufficient_funds'],
    ['tok_chargeDeclinedFraudulent', 'fraudulent'],
    ['tok_chargeDeclinedExpiredCard', 'expired_card'],
    ['tok_unknown', 'invalid_token'],
  ])('declines %s', async (paymentToken, reason) => {
    const outcome = await service.authorize({ ...order(), paymentToken });
    expect(outcome).toMatchObject({ status: 'DECLINED', reason });
  });

  it('treats tok_chargeDeclinedProcessingError as an outage: unavailable, nothing charged', async () => {
    const input = { ...order(), paymentToken: 'tok_chargeDeclinedProcessingError' };
    expect((await service.authorize(input)).status).toBe('UNAVAILABLE');
    expect(await service.paymentOfOrder(input.orderId)).toMatchObject({ status: 'FAILED', failureReason: 'provider_unavailable', capturedAmount: 0 });
  });

  it('authorizes an order once however many concurrent retries arrive', async () => {
    const { provider, calls } = counting(simulated);
    const counted = new PaymentService(db, provider);
    const input = order(7300);
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => counted.authorize(input)));
    expect(new Set(outcomes.map((o) => JSON.stringify(o))).size).toBe(1);
    expect(outcomes[0]!.status).toBe('AUTHORIZED');
    expect(calls.authorize).toBe(1);
    // A retry a day later (same order) still gets the same answer without asking the provider.
    expect(await counted.authorize(input)).toEqual(outcomes[0]);
    expect(calls.authorize).toBe(1);
  });

  it('refuses amounts over the fraud limit without asking the provider', async () => {
    const { provider, calls } = counting(simulated);
    const outcome = await new PaymentService(db, provider).authorize(order(50_000_000));
    expect(outcome).toMatchObject({ status: 'DECLINED', reason: 'amount_limit' });
    expect(calls.authorize).toBe(0);
  });

  it('refuses a customer’s authorization past the velocity limit (20 in 10 minutes) without asking the provider', async () => {
    const { provider, calls } = counting(simulated);
    const counted = new PaymentService(db, provider);
    const customerId = randomUUID();
    for (let i = 0; i < 20; i++) expect(await counted.authorize({ ...order(), customerId })).toMatchObject({ status: 'AUTHORIZED' });
    expect(await counted.authorize({ ...order(), customerId })).toMatchObject({ status: 'DECLINED', reason: 'velocity_limit' });
    expect(calls.authorize).toBe(20);
    // Another customer is not affected.
    expect(await counted.authorize(order())).toMatchObject({ status: 'AUTHORIZED' });
  });

  it('gives up on a provider that hangs, and opens the circuit after repeated failures', async () => {
    const hanging: PaymentProvider = {
      authorize: () => new Promise(() => {}),
      capture: () => new Promise(() => {}),
      void: () => new Promise(() => {}),
      refund: () => new Promise(() => {}),
    };
    const resilient = new ResilientProvider(hanging, { timeoutMs: 50, resetTimeoutMs: 60_000 });
    const slow = new PaymentService(db, resilient);
    const outcomes = [];
    for (let i = 0; i < 6; i++) outcomes.push(await slow.authorize(order()));
    expect(outcomes.every((o) => o.status === 'UNAVAILABLE')).toBe(true);
    expect(resilient.isOpen).toBe(true);
  });
});

describe('capture, void and refunds', () => {
  const service = new PaymentService(db, new ResilientProvider(simulated));
  const REFUND = `mutation ($paymentId: ID!, $amount: Int!) {
    refundPayment(paymentId: $paymentId, amount: $amount, reason: "damaged") {
      payment { status capturedAmount { amount } refundedAmount { amount } refunds { amount { amount currencyCode } status reason } }
      userErrors { code field }
    } }`;

  it('voids an uncaptured authorization and then refuses to capture it', async () => {
    const input = order();
    await service.authorize(input);
    expect((await service.void(input.orderId))?.status).toBe('VOIDED');
    expect((await service.void(input.orderId))?.status).toBe('VOIDED');
    await expect(service.capture(input.orderId, input.amount)).rejects.toThrow(/cannot capture/);
  });

  it('lets operators refund captured money, never more than captured, even concurrently', async () => {
    const input = order(10_000);
    const { paymentId } = (await service.authorize(input)) as { paymentId: string };
    await service.capture(input.orderId, 10_000);
    await service.capture(input.orderId, 10_000); // idempotent
    const admin = asAdmin(randomUUID());

    const partial = await subgraphRequest(server.url, REFUND, { paymentId, amount: 2500 }, admin);
    expect(partial.data?.refundPayment).toMatchObject({
      payment: { status: 'PARTIALLY_REFUNDED', capturedAmount: { amount: 10_000 }, refundedAmount: { amount: 2500 } },
      userErrors: [],
    });

    // 5 concurrent refunds of 3000 against 7500 left: exactly two can fit.
    const racing = await Promise.all(
      Array.from({ length: 5 }, () => subgraphRequest(server.url, REFUND, { paymentId, amount: 3000 }, admin)),
    );
    const succeeded = racing.filter((r) => r.data?.refundPayment.userErrors.length === 0);
    const refused = racing.filter((r) => r.data?.refundPayment.userErrors[0]?.code === 'REFUND_EXCEEDS_CAPTURED');
    expect(succeeded).toHaveLength(2);
    expect(refused).toHaveLength(3);

    const rest = await subgraphRequest(server.url, REFUND, { paymentId, amount: 1500 }, admin);
    expect(rest.data?.refundPayment.payment).toMatchObject({ status: 'REFUNDED', refundedAmount: { amount: 10_000 } });
    expect(rest.data?.refundPayment.payment.refunds).toHaveLength(4);
    const over = await subgraphRequest(server.url, REFUND, { paymentId, amount: 1 }, admin);
    expect(over.data?.refundPayment.userErrors).toEqual([{ code: 'REFUND_EXCEEDS_CAPTURED', field: ['amount'] }]);
  });

  it('refuses refunds of uncaptured payments, bad amounts, unknown payments and non-operators', async () => {
    const input = order();
    const { paymentId } = (await service.authorize(input)) as { paymentId: string };
    const admin = asAdmin(randomUUID());
    const uncaptured = await subgraphRequest(server.url, REFUND, { paymentId, amount: 100 }, admin);
    expect(uncaptured.data?.refundPayment.userErrors[0].code).toBe('REFUND_EXCEEDS_CAPTURED');
    const negative = await subgraphRequest(server.url, REFUND, { paymentId, amount: -5 }, admin);
    expect(negative.data?.refundPayment.userErrors[0].code).toBe('INVALID_INPUT');
    const unknown = await subgraphRequest(server.url, REFUND, { paymentId: randomUUID(), amount: 100 }, admin);
    expect(unknown.data?.refundPayment.userErrors[0].code).toBe('NOT_FOUND');
    const customer = await subgraphRequest(server.url, REFUND, { paymentId, amount: 100 }, asUser(input.customerId));
    expect(customer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('serves the saga over authenticated internal calls only', async () => {
    const input = order(4200);
    expect((await callInternal('payments', 'authorizePayment', input)).status).toBe('AUTHORIZED');
    expect(await callInternal('payments', 'capturePayment', { orderId: input.orderId, amount: 4200 })).toEqual({
      status: 'CAPTURED',
      capturedAmount: 4200,
    });
    const refund = { orderId: input.orderId, amount: 1200, reason: 'return', idempotencyKey: `return:${input.orderId}` };
    expect(await callInternal('payments', 'refundOrderPayment', refund)).toEqual({ status: 'PARTIALLY_REFUNDED', refundedAmount: 1200 });
    // Retried (a crashed saga step): refunded once.
    expect(await callInternal('payments', 'refundOrderPayment', refund)).toEqual({ status: 'PARTIALLY_REFUNDED', refundedAmount: 1200 });

    const anonymous = await fetch(`${server.url}/internal/authorizePayment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': input.customerId },
      body: JSON.stringify(order()),
    });
    expect(anonymous.status).toBe(403);
  });
});
