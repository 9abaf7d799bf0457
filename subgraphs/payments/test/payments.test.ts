import { startSubgraph, type RunningServer } from '@marketplace/runtime';
import { asAdmin, asUser, subgraphRequest } from '@marketplace/runtime/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../src/db/client';
import { payments as paymentsTable } from '../src/db/schema';
import { payments } from '../src/index';

let server: RunningServer;
beforeAll(async () => {
  server = await startSubgraph(payments, { port: 0 });
});
afterAll(() => server.stop());

const ORDER_PAYMENT = `query ($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on Order { id payment { status amount { amount currencyCode } card { brand last4 } refunds { id } } } }
}`;

describe('payments subgraph', () => {
  it("shows an order's payment to its customer and operators only", async () => {
    const orderId = randomUUID();
    const customerId = randomUUID();
    await db.insert(paymentsTable).values({
      orderId,
      customerId,
      status: 'AUTHORIZED',
      amount: 2599,
      currencyCode: 'USD',
      cardBrand: 'visa',
      cardLast4: '4242',
    });
    const reps = [{ __typename: 'Order', id: orderId }];

    const own = await subgraphRequest(server.url, ORDER_PAYMENT, { reps }, asUser(customerId));
    expect(own.data?._entities[0].payment).toEqual({
      status: 'AUTHORIZED',
      amount: { amount: 2599, currencyCode: 'USD' },
      card: { brand: 'visa', last4: '4242' },
      refunds: [],
    });
    const admin = await subgraphRequest(server.url, ORDER_PAYMENT, { reps }, asAdmin(randomUUID()));
    expect(admin.data?._entities[0].payment.status).toBe('AUTHORIZED');

    const stranger = await subgraphRequest(server.url, ORDER_PAYMENT, { reps }, asUser(randomUUID()));
    expect(stranger.data?._entities[0].payment).toBeNull();
    // Made-up identity headers are not identity: the caller is anonymous.
    const forged = await subgraphRequest(server.url, ORDER_PAYMENT, { reps }, undefined, {
      'x-user-id': customerId,
      'x-roles': 'ADMIN',
    });
    expect(forged.data?._entities[0].payment).toBeNull();
  });

  it('refuses refunds to anyone but operators', async () => {
    const res = await subgraphRequest(
      server.url,
      `mutation { refundPayment(paymentId: "${randomUUID()}", amount: 100) { userErrors { code } } }`,
      {},
      asUser(randomUUID()),
    );
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
