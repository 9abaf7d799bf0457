/**
 * Health for orchestrators, on real processes: liveness and readiness on every process's own port,
 * and SIGTERM: unready, requests in flight finish, exit 0.
 */
import { callInternal, SUBGRAPH_NAMES, type SubgraphName } from '@marketplace/runtime';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, startSubgraphProcess, type ServiceProcess } from '../scripts/stack';

const started: ServiceProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
});

const getJson = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as unknown };
};

describe('health endpoints', () => {
  it('a subgraph is live and ready; on SIGTERM it finishes the request in flight and exits 0', async () => {
    // Each authorization takes 1.5 s at the simulated provider: long enough to be in flight.
    const payments = await startSubgraphProcess('payments', { env: { PAYMENT_PROVIDER_LATENCY_MS: '1500' } });
    started.push(payments);
    expect(await getJson(`${payments.url}/health/live`)).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await getJson(`${payments.url}/health/ready`)).toEqual({ status: 200, body: { status: 'ready' } });

    process.env.PAYMENTS_URL = payments.url;
    const inFlight = callInternal('payments', 'authorizePayment', {
      orderId: randomUUID(),
      customerId: randomUUID(),
      amount: 1200,
      currencyCode: 'USD',
      paymentToken: 'tok_visa',
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    payments.child.kill('SIGTERM');
    expect((await inFlight).status).toBe('AUTHORIZED');
    await payments.exited;
    expect(payments.child.exitCode).toBe(0);
  });

  it('the gateway is ready without its subgraphs (they degrade answers), while GET /health reports them', async () => {
    const unreachable = 'http://127.0.0.1:9'; // discard port: nothing listens
    const gateway = await startGatewayProcess(
      Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, unreachable])) as Record<SubgraphName, string>,
    );
    started.push(gateway);
    expect(await getJson(`${gateway.url}/health/live`)).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await getJson(`${gateway.url}/health/ready`)).toEqual({ status: 200, body: { status: 'ready' } });
    const aggregate = await getJson(`${gateway.url}/health`);
    expect(aggregate.status).toBe(503);
    expect(aggregate.body).toMatchObject({ status: 'unavailable', subgraphs: { reviews: 'unavailable' } });
    gateway.child.kill('SIGTERM');
    await gateway.exited;
    expect(gateway.child.exitCode).toBe(0);
  });
});
