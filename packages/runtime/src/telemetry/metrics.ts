/**
 * Prometheus metrics of this process (prom-client's default registry), served at `GET /metrics` on
 * the process's own port. Every metric a process may record is declared here, once, so the
 * dashboard and the alert rules (observability/) name metrics that exist
 * (`tests/observability.test.ts` checks it). Label values are bounded: operation names and error
 * codes go through `bounded()`, never ids or documents.
 */
import type { Express } from 'express';
import client from 'prom-client';
import { setting } from '../settings';

export const metricsRegistry = client.register;

let defaultsCollected = false;
/** Node's default metrics (CPU, memory, event loop, GC), labelled with the process's service name; once per process. */
export function collectDefaultMetricsOnce(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  metricsRegistry.setDefaultLabels({ service: setting('SERVICE_NAME') });
  client.collectDefaultMetrics({ register: metricsRegistry });
}

/** Distinct values a label keeps; values past them are counted as `other`. */
const MAX_LABEL_VALUES = 200;
const seenLabelValues = new Map<string, Set<string>>();
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,79}$/;

/**
 * A label value that cannot grow without bound: a GraphQL-name-like value (operation names, error
 * codes), kept while fewer than MAX_LABEL_VALUES distinct values were seen for `label`.
 */
export function bounded(label: string, value: string | null | undefined, fallback = 'anonymous'): string {
  if (!value) return fallback;
  if (!NAME.test(value)) return 'other';
  let seen = seenLabelValues.get(label);
  if (!seen) seenLabelValues.set(label, (seen = new Set()));
  if (seen.has(value)) return value;
  if (seen.size >= MAX_LABEL_VALUES) return 'other';
  seen.add(value);
  return value;
}

/** Latency buckets (seconds) for requests and fetches: 2.5 ms to 10 s. */
const LATENCY_BUCKETS = [0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** SQL statements are mostly sub-millisecond. */
const QUERY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

// ---- gateway
export const gatewayRequests = new client.Counter({
  name: 'gateway_requests_total',
  help: 'GraphQL operations answered by the gateway, by operation name, kind (query, mutation, subscription) and outcome (ok, or the first error code)',
  labelNames: ['operation', 'kind', 'outcome'] as const,
});
export const gatewayRequestDuration = new client.Histogram({
  name: 'gateway_request_duration_seconds',
  help: 'Time from receiving a GraphQL operation to sending its answer',
  labelNames: ['operation', 'kind'] as const,
  buckets: LATENCY_BUCKETS,
});
export const responseCacheLookups = new client.Counter({
  name: 'gateway_response_cache_lookups_total',
  help: 'Operations that could be answered from the public response cache: hit or miss',
  labelNames: ['result'] as const,
});
export const subgraphFetchesShared = new client.Counter({
  name: 'gateway_subgraph_fetches_shared_total',
  help: 'Query fetches the gateway did not send: identical to one in flight to the same subgraph (query, variables, caller), they waited for its answer',
  labelNames: ['subgraph'] as const,
});
let subscriptionStats: () => { clients: number; upstreamSources: number } = () => ({ clients: 0, upstreamSources: 0 });
/** The gateway's subscriptions, read at every scrape. */
export function measureSubscriptionsAtScrape(stats: () => { clients: number; upstreamSources: number }): void {
  subscriptionStats = stats;
}
export const subscriptionClients = new client.Gauge({
  name: 'gateway_subscriptions',
  help: 'Subscriptions the gateway holds for its clients',
  collect() {
    this.set(subscriptionStats().clients);
  },
});
export const subscriptionSources = new client.Gauge({
  name: 'gateway_subscription_upstream_sources',
  help: 'Distinct subscriptions the gateway holds upstream, shared by its clients',
  collect() {
    this.set(subscriptionStats().upstreamSources);
  },
});

// ---- calls between our processes (the gateway's subgraph fetches, callInternal)
export const subgraphFetches = new client.Counter({
  name: 'subgraph_fetches_total',
  help: 'HTTP requests this process sent to a subgraph: kind graphql (the gateway\'s query plan fetches) or internal (callInternal), outcome ok, http_<status> or error',
  labelNames: ['subgraph', 'kind', 'outcome'] as const,
});
export const subgraphFetchDuration = new client.Histogram({
  name: 'subgraph_fetch_duration_seconds',
  help: 'Time from sending a request to a subgraph until its whole answer arrived',
  labelNames: ['subgraph', 'kind'] as const,
  buckets: LATENCY_BUCKETS,
});

// ---- subgraphs
export const subgraphOperations = new client.Counter({
  name: 'subgraph_operations_total',
  help: 'GraphQL operations a subgraph answered, by operation name, kind and outcome (ok, or the first error code)',
  labelNames: ['subgraph', 'operation', 'kind', 'outcome'] as const,
});
export const subgraphOperationDuration = new client.Histogram({
  name: 'subgraph_operation_duration_seconds',
  help: 'Time a subgraph took to answer a GraphQL operation',
  labelNames: ['subgraph', 'kind'] as const,
  buckets: LATENCY_BUCKETS,
});
export const dbQueryDuration = new client.Histogram({
  name: 'db_query_duration_seconds',
  help: 'SQL statements sent through a pool, from issuing to the last row (waiting for a connection included)',
  labelNames: ['pool', 'outcome'] as const,
  buckets: QUERY_BUCKETS,
});
export const dbConnectionsBusy = new client.Gauge({
  name: 'db_pool_connections_busy',
  help: 'Connections of a pool serving a statement or a transaction (statements beyond the pool size wait, see db_pool_waiting)',
  labelNames: ['pool'] as const,
});
export const dbPoolWaiting = new client.Gauge({
  name: 'db_pool_waiting',
  help: 'Statements and transactions waiting for a connection of the pool',
  labelNames: ['pool'] as const,
});
export const dbPoolSize = new client.Gauge({
  name: 'db_pool_size',
  help: 'Connections a pool may open',
  labelNames: ['pool'] as const,
});
/** The outboxes this process relays, by subgraph: how to measure what is not yet relayed. */
const outboxes = new Map<string, () => Promise<{ unrelayed: number; oldestAgeSeconds: number }>>();
/** Measures a subgraph's outbox at every scrape; returns the function that stops it. */
export function measureOutboxAtScrape(subgraph: string, measure: () => Promise<{ unrelayed: number; oldestAgeSeconds: number }>): () => void {
  outboxes.set(subgraph, measure);
  return () => outboxes.delete(subgraph);
}
export const outboxOldestAge = new client.Gauge({
  name: 'outbox_oldest_event_age_seconds',
  help: 'Age of the oldest event not yet published: the relay\'s lag (0 when the outbox is empty)',
  labelNames: ['subgraph'] as const,
});
export const outboxUnrelayed = new client.Gauge({
  name: 'outbox_unrelayed_events',
  help: 'Events committed to a subgraph\'s outbox and not yet published to Redis (measured at scrape)',
  labelNames: ['subgraph'] as const,
  async collect() {
    for (const [subgraph, measure] of outboxes) {
      const { unrelayed, oldestAgeSeconds } = await measure().catch(() => ({ unrelayed: NaN, oldestAgeSeconds: NaN }));
      this.set({ subgraph }, unrelayed);
      outboxOldestAge.set({ subgraph }, oldestAgeSeconds);
    }
  },
});

/** The consumer groups of this process, by `group|topic`: how to measure their lag. */
const consumerGroups = new Map<string, { group: string; topic: string; measure: () => Promise<number> }>();
/** Measures a consumer group's lag at every scrape; returns the function that stops it. */
export function measureConsumerLagAtScrape(group: string, topic: string, measure: () => Promise<number>): () => void {
  const key = `${group}|${topic}`;
  consumerGroups.set(key, { group, topic, measure });
  return () => consumerGroups.delete(key);
}
export const consumerLag = new client.Gauge({
  name: 'event_consumer_lag_events',
  help: 'Events of a topic a consumer group (a projection) has not handled yet: not yet delivered plus delivered and unacknowledged',
  labelNames: ['group', 'topic'] as const,
  async collect() {
    for (const { group, topic, measure } of consumerGroups.values()) this.set({ group, topic }, await measure().catch(() => NaN));
  },
});

// ---- orders and payments
export const checkouts = new client.Counter({
  name: 'checkouts_total',
  help: 'Checkout runs by outcome: confirmed, a failure code (INSUFFICIENT_STOCK, PAYMENT_DECLINED, …) or in_progress (answered before the saga settled)',
  labelNames: ['outcome'] as const,
});
export const checkoutDuration = new client.Histogram({
  name: 'checkout_duration_seconds',
  help: 'Time a checkout run took from claiming its key to its answer',
  labelNames: ['outcome'] as const,
  buckets: LATENCY_BUCKETS,
});
export const checkoutStepDuration = new client.Histogram({
  name: 'checkout_saga_step_duration_seconds',
  help: 'Time each saga step took: reserve (price, address, stock), pay_and_confirm (authorize, commit the stock, place the order)',
  labelNames: ['step'] as const,
  buckets: LATENCY_BUCKETS,
});
export const paymentProviderCalls = new client.Counter({
  name: 'payment_provider_calls_total',
  help: 'Calls to the payment provider by call (authorize, capture, void, refund) and outcome (ok, declined, unavailable, error)',
  labelNames: ['call', 'outcome'] as const,
});
export const paymentProviderDuration = new client.Histogram({
  name: 'payment_provider_call_duration_seconds',
  help: 'Time the payment provider took to answer',
  labelNames: ['call'] as const,
  buckets: LATENCY_BUCKETS,
});

// ---- resilience and traffic control (recorded by the code that owns them)
export type BreakerState = 'closed' | 'half_open' | 'open';
const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };
const breakers = new Map<string, () => BreakerState>();
export const breakerStateGauge = new client.Gauge({
  name: 'circuit_breaker_state',
  help: 'State of each circuit breaker: 0 closed, 1 half-open (trying), 2 open (failing fast)',
  labelNames: ['breaker'] as const,
  collect() {
    for (const [breaker, state] of breakers) this.set({ breaker }, BREAKER_STATE_VALUE[state()]);
  },
});
/**
 * Reports a circuit breaker's state at every scrape (`circuit_breaker_state{breaker=name}`).
 * `name` is bounded: a dependency (`payment-provider`, `subgraph:orders`), never a request's value.
 */
export function trackCircuitBreaker(name: string, state: () => BreakerState): void {
  breakers.set(name, state);
}
/** Requests refused by a limiter (`limiter`: which one, e.g. `graph`, `login`). Count with `.inc({ limiter })`. */
export const rateLimitRefusals = new client.Counter({
  name: 'rate_limit_refusals_total',
  help: 'Requests refused by a rate limiter, by limiter',
  labelNames: ['limiter'] as const,
});

/** Seconds elapsed since `start` (a `performance.now()` reading). */
export const secondsSince = (start: number) => (performance.now() - start) / 1000;

/**
 * `GET /metrics` on this process's own HTTP port, in Prometheus text. Not under `/graphql`: the
 * public entry routes only `/graphql` to the gateway, so the metrics stay inside the cluster.
 */
export function metricsRoutes(app: Pick<Express, 'get'>): void {
  collectDefaultMetricsOnce();
  app.get('/metrics', async (_req, res) => {
    res.set('content-type', metricsRegistry.contentType);
    res.end(await metricsRegistry.metrics());
  });
}
