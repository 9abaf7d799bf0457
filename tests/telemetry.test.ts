/**
 * Telemetry of the graph run as separate processes (gateway and six subgraphs), as deployed:
 * each serves Prometheus metrics on its own port, and exports spans over OTLP to a collector
 * running in this test. They share a Redis server of their own, so that the products process
 * here (and no other test's) applies the stock events this test causes.
 */
import { SUBGRAPH_NAMES, type SubgraphName } from '@marketplace/runtime';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { op } from '../scripts/contract';
import { graphql } from '../scripts/graphql-client';
import { startOtlpCollector, type CollectedSpan, type OtlpCollector } from '../scripts/otlp-collector';
import { freePort, startGatewayProcess, startSubgraphProcess, type ServiceProcess, type Stack } from '../scripts/stack';
import { startRedisServer, type RedisServer } from '../scripts/redis-server';
import { parsePrometheusText, valueOf, type Family } from './prometheus-text';
import { checkoutCart, createCategory, createProduct, createWarehouse, operatorToken, registerCustomer, registerSeller, setStock } from './helpers';

let collector: OtlpCollector;
let redis: RedisServer;
const processes = {} as Record<SubgraphName | 'gateway', ServiceProcess>;
/** The users process's log lines, parsed. */
const usersLog: Record<string, unknown>[] = [];
let stack: Stack;

beforeAll(async () => {
  collector = await startOtlpCollector();
  const redisPort = await freePort();
  redis = await startRedisServer(redisPort);
  const ports = Object.fromEntries(await Promise.all(SUBGRAPH_NAMES.map(async (name) => [name, await freePort()] as const))) as Record<SubgraphName, number>;
  const urls = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, `http://127.0.0.1:${ports[name]}`])) as Record<SubgraphName, string>;
  const env = {
    ...Object.fromEntries(SUBGRAPH_NAMES.map((name) => [`${name.toUpperCase()}_URL`, urls[name]])),
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_BSP_SCHEDULE_DELAY: '100',
    LOG_LEVEL: 'info',
    // Seven processes beside the other test files' graphs: small pools keep Postgres' connections enough.
    DB_POOL_SIZE: '2',
  };
  await Promise.all(
    SUBGRAPH_NAMES.map(async (name) => {
      processes[name] = await startSubgraphProcess(name, { port: ports[name], env, captureOutput: name === 'users' });
    }),
  );
  createInterface({ input: processes.users.child.stdout! }).on('line', (line) => {
    try {
      usersLog.push(JSON.parse(line));
    } catch {
      // not a log line
    }
  });
  // As `pnpm start` does: the operator account exists once the graph is up.
  const { ensureOperator } = await import('../subgraphs/users/src/index');
  await ensureOperator();
  processes.gateway = await startGatewayProcess(urls, { env });
  const gatewayUrl = `${processes.gateway.url}/graphql`;
  stack = { request: (query: string, variables = {}, token?: string) => graphql(gatewayUrl, query, variables, { token }) } as Stack;
}, 180_000);

afterAll(async () => {
  await Promise.all(Object.values(processes).map((p) => p.stop()));
  await redis?.stop();
  await collector?.stop();
});

type Families = Map<string, Family>;

async function scrape(process: ServiceProcess): Promise<Families> {
  const res = await fetch(`${process.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return parsePrometheusText(await res.text());
}

const sample = valueOf;

/** A purchasable product: a seller's, with `units` in stock. */
async function stockedProduct(units: number) {
  const admin = await operatorToken(stack);
  const category = await createCategory(stack, admin);
  const warehouse = await createWarehouse(stack, admin);
  const seller = await registerSeller(stack);
  const product = await createProduct(stack, seller.token, category.id, { prices: [1500] });
  const variantId = product.variants[0]!.id as string;
  await setStock(stack, seller.token, variantId, warehouse.id, units);
  return { seller, warehouse, product, variantId };
}

/** The trace of the gateway's span for the last operation named `name` (`mutation Checkout`). */
async function traceOf(name: string): Promise<string> {
  const spans = await collector.waitFor((all) => all.some((s) => s.service === 'gateway' && s.name === name));
  return spans.filter((s) => s.service === 'gateway' && s.name === name).at(-1)!.traceId;
}

describe('metrics', () => {
  it('every process serves Prometheus text at /metrics, with Node\'s default metrics', async () => {
    for (const process of Object.values(processes)) {
      const families = await scrape(process);
      expect(sample(families, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(families.get('nodejs_eventloop_lag_p99_seconds')?.type).toBe('gauge');
    }
    // Not on the public path: only /graphql is routed to the gateway from outside.
    expect((await fetch(`${processes.gateway.url}/graphql/metrics`)).status).not.toBe(200);
  });

  it('a search moves the gateway\'s request counter for its operation, and the subgraph fetch counters', async () => {
    const before = await scrape(processes.gateway);
    // A search nobody's product matches: other test files share the database, and what they made is theirs to check.
    const res = await stack.request(op('Catalog'), { query: `nothing-like-${Date.now()}`, first: 5 });
    expect(res.errors).toBeUndefined();
    const after = await scrape(processes.gateway);
    const labels = { operation: 'Catalog', kind: 'query', outcome: 'ok' };
    expect(sample(after, 'gateway_requests_total', labels) - sample(before, 'gateway_requests_total', labels)).toBe(1);
    expect(sample(after, 'gateway_request_duration_seconds_count', { operation: 'Catalog' })).toBeGreaterThan(0);
    const productsFetch = { subgraph: 'products', kind: 'graphql', outcome: 'ok' };
    expect(sample(after, 'subgraph_fetches_total', productsFetch)).toBeGreaterThan(sample(before, 'subgraph_fetches_total', productsFetch));
    // Anonymous and public: looked up in the response cache (a miss or a hit).
    expect(sample(after, 'gateway_response_cache_lookups_total')).toBeGreaterThan(sample(before, 'gateway_response_cache_lookups_total'));
    // Traced too: the response cache asked Redis for the catalog version, inside the search's trace.
    const searchTrace = await traceOf('query Catalog');
    await collector.waitFor((all) => all.some((s) => s.traceId === searchTrace && s.attributes['db.system.name'] === 'redis'));
    // An operation that fails is counted with its error code as outcome.
    const refused = { operation: 'Catalog', kind: 'query', outcome: 'BAD_USER_INPUT' };
    const bad = await stack.request(op('Catalog'), { query: 'x', first: 500 });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(sample(await scrape(processes.gateway), 'gateway_requests_total', refused) - sample(after, 'gateway_requests_total', refused)).toBe(1);
  });

  it('a checkout moves the checkout outcome counter, the saga step timings, the provider calls and the internal calls', async () => {
    const { variantId } = await stockedProduct(3);
    const buyer = await registerCustomer(stack);
    const [ordersBefore, paymentsBefore] = [await scrape(processes.orders), await scrape(processes.payments)];
    await checkoutCart(stack, buyer.token, [{ variantId, quantity: 1 }]);
    const [orders, payments] = [await scrape(processes.orders), await scrape(processes.payments)];
    expect(sample(orders, 'checkouts_total', { outcome: 'confirmed' }) - sample(ordersBefore, 'checkouts_total', { outcome: 'confirmed' })).toBe(1);
    expect(sample(orders, 'checkout_saga_step_duration_seconds_count', { step: 'reserve' })).toBeGreaterThan(0);
    expect(sample(orders, 'checkout_saga_step_duration_seconds_count', { step: 'pay_and_confirm' })).toBeGreaterThan(0);
    expect(sample(orders, 'subgraph_fetches_total', { subgraph: 'inventory', kind: 'internal', outcome: 'ok' })).toBeGreaterThan(0);
    const authorized = { call: 'authorize', outcome: 'ok' };
    expect(sample(payments, 'payment_provider_calls_total', authorized) - sample(paymentsBefore, 'payment_provider_calls_total', authorized)).toBe(1);
    expect(sample(payments, 'circuit_breaker_state', { breaker: 'payment-provider' })).toBe(0);
    expect(sample(orders, 'subgraph_operations_total', { subgraph: 'orders', kind: 'mutation', outcome: 'ok' })).toBeGreaterThan(0);
    expect(sample(orders, 'db_query_duration_seconds_count', { pool: 'orders' })).toBeGreaterThan(0);
    expect(sample(orders, 'db_pool_size', { pool: 'orders' })).toBeGreaterThan(0);
  });

  it('each relaying subgraph reports its outbox backlog, and products its projections\' lag', async () => {
    for (const name of ['inventory', 'orders'] as const) {
      const families = await scrape(processes[name]);
      expect(families.get('outbox_unrelayed_events')?.samples.some((s) => s.labels.subgraph === name)).toBe(true);
      expect(sample(families, 'outbox_oldest_event_age_seconds', { subgraph: name })).toBeGreaterThanOrEqual(0);
    }
    const products = await scrape(processes.products);
    const lag = products.get('event_consumer_lag_events')?.samples.find((s) => s.labels.group === 'products-stock');
    expect(lag?.value).toBeGreaterThanOrEqual(0);
  });
});

describe('traces', () => {
  it('one checkout is one trace, with spans from the gateway and the five subgraphs it touches, SQL included', async () => {
    const { variantId } = await stockedProduct(3);
    const buyer = await registerCustomer(stack);
    await checkoutCart(stack, buyer.token, [{ variantId, quantity: 1 }]);
    const traceId = await traceOf('mutation Checkout');
    const services = ['gateway', 'orders', 'products', 'users', 'inventory', 'payments'];
    const spans = await collector.waitFor((all) => {
      const inTrace = all.filter((s) => s.traceId === traceId);
      return services.every((service) => inTrace.some((s) => s.service === service && s.kind === 2));
    });
    const trace = spans.filter((s) => s.traceId === traceId);
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    // One root: the gateway's request; every other span hangs under a span of the same trace.
    const roots = trace.filter((s) => !s.parentSpanId);
    expect(roots.map((s) => `${s.service} ${s.name}`)).toEqual(['gateway mutation Checkout']);
    await collector.waitFor(() => trace.every((s) => !s.parentSpanId || byId.has(s.parentSpanId)), 5000).catch(() => undefined);
    // The query plan's fetch (Apollo's gateway.fetch) is the parent of orders' server span, via the HTTP client span.
    const ordersServer = trace.find((s) => s.service === 'orders' && s.kind === 2)!;
    const client = byId.get(ordersServer.parentSpanId!)!;
    expect(client.service).toBe('gateway');
    expect(byId.get(client.parentSpanId!)?.name).toBe('gateway.fetch');
    // The saga's internal calls are in the same trace.
    for (const [service, path] of [
      ['inventory', '/internal/reserveStock'],
      ['payments', '/internal/authorizePayment'],
      ['products', '/internal/variantsByIds'],
      ['users', '/internal/addressOf'],
    ]) {
      expect(trace.some((s) => s.service === service && s.kind === 2 && s.name === `POST ${path}`), `${service} ${path}`).toBe(true);
    }
    const sql = trace.filter((s) => s.attributes['db.system.name'] === 'postgresql');
    expect(new Set(sql.map((s) => s.service))).toEqual(new Set(['orders', 'inventory', 'payments', 'products', 'users']));
    expect(sql.every((s) => typeof s.attributes['db.query.text'] === 'string')).toBe(true);
    // Values never reach a span: statements are parameterised.
    expect(sql.some((s) => String(s.attributes['db.query.text']).includes('tok_visa'))).toBe(false);
  });

  it('the products projection span that applied a stock change links to the setStock trace', async () => {
    const { seller, warehouse, variantId } = await stockedProduct(2);
    await setStock(stack, seller.token, variantId, warehouse.id, 7);
    const setStockTrace = await traceOf('mutation SetStock');
    const spans = await collector.waitFor((all) =>
      all.some((s) => s.service === 'products' && s.name === 'products-stock process' && s.links.some((l) => l.traceId === setStockTrace)),
    );
    const projection = spans.find((s) => s.name === 'products-stock process' && s.links.some((l) => l.traceId === setStockTrace))!;
    // A trace of its own (it ran later, maybe for several changes), whose SQL is under it.
    expect(projection.traceId).not.toBe(setStockTrace);
    expect(projection.kind).toBe(5);
    // The linked span is the one that recorded the event, in inventory.
    const linked = spans.find((s) => s.spanId === projection.links.find((l) => l.traceId === setStockTrace)!.spanId);
    expect(linked?.service).toBe('inventory');
  });
});

describe('logs', () => {
  it('a line written during a traced request carries its trace and span ids', async () => {
    const customer = await registerCustomer(stack);
    const first = await stack.request(op('RefreshSession'), { refreshToken: customer.refreshToken });
    expect(first.data.refreshSession.userErrors ?? []).toEqual([]);
    // The old refresh token again: users revokes the session and logs a warning.
    await stack.request(op('RefreshSession'), { refreshToken: customer.refreshToken });
    // Found by its text (spans arrive in batches, so "the latest RefreshSession trace" could be the first).
    const revoked = 'refresh token reused; session revoked';
    for (let i = 0; i < 200 && !usersLog.some((l) => l.msg === revoked); i++) await new Promise((r) => setTimeout(r, 100));
    const line = usersLog.find((l) => l.msg === revoked);
    expect(line?.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(line?.span_id).toMatch(/^[0-9a-f]{16}$/);
    // The ids are those of the request that caused it: users' span in the gateway's RefreshSession trace.
    const spans = await collector.waitFor((all) => all.some((s) => s.spanId === line!.span_id));
    expect(spans.find((s: CollectedSpan) => s.spanId === line!.span_id)?.traceId).toBe(line!.trace_id);
    await collector.waitFor((all) => all.some((s) => s.service === 'gateway' && s.name === 'mutation RefreshSession' && s.traceId === line!.trace_id));
    expect(spans.find((s: CollectedSpan) => s.spanId === line!.span_id)?.service).toBe('users');
  });
});
