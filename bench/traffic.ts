/**
 * `pnpm bench:traffic` — what traffic control costs the gateway per request, in gateway CPU: the
 * work its plugin and middleware do for one request, run in this process exactly as the gateway
 * runs it (same classes, real Redis), over the contract's queries in turn:
 *  - the trusted-document lookup (hashing the text, as `enforce` does), the client's address
 *    (X-Forwarded-For through a trusted proxy, IPv4 and IPv6) and identity, the introspection check;
 *  - the requested cost (the document's compiled cost tree, cached per document, priced with the
 *    request's variables);
 *  - the bucket: one atomic Lua call to Redis (`BENCH_CONCURRENCY` requests in flight, as a busy
 *    gateway has), then the actual cost counted over a realistic answer (a 20-product Catalog page
 *    with facets) and the refund.
 * Phase A with Redis answering; phase B with Redis unreachable (buckets in memory): CPU and wall
 * time per request in both, so "no added latency while Redis is down" is a figure too.
 * Goal: at most 0.3 ms of gateway CPU per request. Appends to bench/results/traffic.md.
 */
import { Supergraph } from '@apollo/federation-internals';
import { REPO_ROOT, setting, type Identity } from '@marketplace/runtime';
import { getOperationAST, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { appendFileSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { contractOperations } from '../scripts/contract';
import { CostBuckets } from '../gateway/src/traffic/bucket';
import { clientAddress, clientOf, limitsOf } from '../gateway/src/traffic/client';
import type { IncomingMessage } from 'node:http';
import { CostCalculator } from '../gateway/src/traffic/cost';
import { selectsIntrospection } from '../gateway/src/traffic/introspection';
import { sha256, trustedDocuments } from '../gateway/src/traffic/trusted-documents';

const REQUESTS = setting('BENCH_REQUESTS');
const CONCURRENCY = setting('BENCH_CONCURRENCY') ?? 20;
const GOAL_MS = 0.3;

const supergraphSdl = readFileSync(join(REPO_ROOT, 'schema', 'supergraph.graphql'), 'utf8');
const costs = new CostCalculator(Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema(), supergraphSdl);

/** The contract's queries, parsed once as Apollo's document cache keeps them. */
const queries: { text: string; document: DocumentNode; operation: OperationDefinitionNode; variables: Record<string, unknown> }[] = contractOperations()
  .filter((o) => o.operation === 'query')
  .map((o) => {
    const document = parse(o.document);
    return { text: o.document, document, operation: getOperationAST(document)!, variables: { first: 20, id: 'x', prefix: 'ca' } };
  });

/** An answer the size of a Catalog page: 20 products with facets. */
const catalogAnswer = {
  products: {
    totalCount: 1234,
    pageInfo: { hasNextPage: true, endCursor: 'c' },
    facets: {
      categories: Array.from({ length: 10 }, (_, i) => ({ value: `c${i}`, label: 'Category', count: i })),
      brands: Array.from({ length: 10 }, (_, i) => ({ value: `b${i}`, label: 'Brand', count: i })),
      priceRanges: Array.from({ length: 5 }, (_, i) => ({ min: i, max: i + 1, count: i })),
    },
    edges: Array.from({ length: 20 }, (_, i) => ({
      cursor: `c${i}`,
      node: { id: `p${i}`, title: 'Product', price: { amount: 100, currencyCode: 'USD' }, inStock: true, rating: { average: 4, count: 3 }, seller: { id: 's', storeName: 'Store' } },
    })),
  },
};

const identities: Identity[] = [
  { kind: 'anonymous' },
  { kind: 'user', userId: 'u1', roles: ['CUSTOMER'], sellerId: null },
  { kind: 'apiKey', keyId: 'k1', sellerId: 's1', scopes: ['PRODUCTS_READ'] },
];

async function oneRequest(buckets: CostBuckets, i: number): Promise<void> {
  const query = queries[i % queries.length]!;
  const trusted = trustedDocuments().has(sha256(query.text));
  const forwardedFor = i % 2 ? `198.51.100.${i % 250}` : `2001:db8:${(i % 250).toString(16)}::1`;
  const req = { headers: { 'x-forwarded-for': forwardedFor }, socket: { remoteAddress: '127.0.0.1' }, connection: { remoteAddress: '127.0.0.1' } };
  const client = clientOf(identities[i % identities.length]!, clientAddress(req as unknown as IncomingMessage));
  if (!trusted && selectsIntrospection(query.operation, query.document)) throw new Error('unexpected');
  const compiled = costs.compile(query.document, query.operation);
  const requested = costs.requested(compiled, query.variables);
  const limits = limitsOf(client.kind);
  const state = await buckets.take(`bench:${client.id}`, requested, limits);
  if (!state.allowed) return;
  const actual = Math.min(requested, costs.actual(compiled, query.operation.name?.value === 'Catalog' ? catalogAnswer : {}));
  void buckets.refund(`bench:${client.id}`, requested - actual, limits);
}

async function phase(buckets: CostBuckets, requests: number): Promise<{ cpuMs: number; wallMs: number }> {
  const startCpu = process.cpuUsage();
  const startWall = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests) await oneRequest(buckets, next++);
    }),
  );
  const cpu = process.cpuUsage(startCpu);
  return { cpuMs: (cpu.user + cpu.system) / 1000 / requests, wallMs: (performance.now() - startWall) / requests };
}

async function main() {
  // Buckets large enough that nothing is refused: the bench measures the work, not the limits.
  process.env.TRAFFIC_RATE_LIMIT_ANONYMOUS = process.env.TRAFFIC_RATE_LIMIT_USER = process.env.TRAFFIC_RATE_LIMIT_API_KEY = '1000000000,1000000000';
  process.env.TRUSTED_PROXIES = 'loopback';
  // Phase A measures the Redis path: on a loaded machine one slow answer past the production 50 ms
  // would send the rest of the phase to memory.
  process.env.TRAFFIC_REDIS_TIMEOUT_MS = '2000';

  const live = new CostBuckets();
  live.connect();
  await new Promise((resolve) => setTimeout(resolve, 500));
  await phase(live, 500); // warm up: JIT, the Lua script loaded into Redis
  const withRedis = await phase(live, REQUESTS);
  if (live.inMemory) throw new Error('phase A ran on in-memory buckets: Redis did not answer');
  live.close();

  // Nothing listens on port 1: every Redis call fails at once, buckets live in memory.
  process.env.TRAFFIC_REDIS_URL = 'redis://127.0.0.1:1';
  const dead = new CostBuckets();
  dead.connect();
  await phase(dead, 500);
  const withoutRedis = await phase(dead, REQUESTS);
  if (!dead.inMemory) throw new Error('phase B reached a Redis');
  dead.close();

  const ms = (n: number) => `${n.toFixed(3)} ms`;
  const report = [
    `## ${new Date().toISOString()} — ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'})`,
    `- ${REQUESTS} requests per phase over the contract's ${queries.length} queries, ${CONCURRENCY} in flight; anonymous, customer and API-key clients in turn.`,
    `- A. Redis answering: ${ms(withRedis.cpuMs)} of CPU per request (trusted-document hash, client address and identity, introspection check, cost from the cached tree, Lua bucket call through ioredis, actual cost, refund); ${ms(withRedis.wallMs)} wall per request at ${CONCURRENCY} in flight.`,
    `- B. Redis unreachable (buckets in memory): ${ms(withoutRedis.cpuMs)} of CPU per request; ${ms(withoutRedis.wallMs)} wall per request.`,
    `- Machine load average (1 min) at the end: ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores.`,
    `- Goal ≤ ${GOAL_MS} ms of gateway CPU per request: ${withRedis.cpuMs <= GOAL_MS && withoutRedis.cpuMs <= GOAL_MS ? 'met' : 'not met'}.`,
    '',
  ].join('\n');
  console.log(report);
  if (setting('BENCH_WRITE_RESULTS') === '1') appendFileSync(new URL('./results/traffic.md', import.meta.url), `${report}\n`);
}

await main();
process.exit(0);
