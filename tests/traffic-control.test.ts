/**
 * Traffic control through the gateway, with real Redis: cost on every answer, leaky buckets per
 * client (429 + Retry-After, refunds, concurrency, Redis down), trusted documents, introspection,
 * subscription bounds. Each test is its own client: an address of its own through a trusted proxy
 * (X-Forwarded-For), or an account or key of its own, so the buckets other test files fill from
 * 127.0.0.1 with the test environment's huge limits never meet these small ones.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { op } from '../scripts/contract';
import type { Stack } from '../scripts/stack';
import { sha256 } from '../gateway/src/traffic/trusted-documents';
import { createRedis } from '@marketplace/runtime';
import { startRedisServer, type RedisServer } from '../scripts/redis-server';
import { PASSWORD, startMarketplace } from './helpers';

/** A Redis of our own for the buckets, so that stopping it leaves the rest of the graph's Redis alone. */
const BUCKET_REDIS_PORT = 6421;

let stack: Stack;
let bucketRedis: RedisServer | undefined;
let admin: string;

async function startBucketRedis(): Promise<void> {
  bucketRedis = await startRedisServer(BUCKET_REDIS_PORT);
}

async function stopBucketRedis(): Promise<void> {
  await bucketRedis?.stop();
  bucketRedis = undefined;
}

const SMALL_LIMITS = {
  // Restoring slowly enough that three requests in a row on a busy machine cannot refill 20 points.
  TRAFFIC_RATE_LIMIT_ANONYMOUS: '60,5',
  TRAFFIC_RATE_LIMIT_USER: '60,5',
  TRAFFIC_RATE_LIMIT_API_KEY: '1000,100',
  TRAFFIC_RATE_LIMIT_OPERATOR: '1000,100',
  TRAFFIC_MAX_OPERATION_COST: '1000',
  TRUSTED_PROXIES: 'loopback',
  TRUSTED_DOCUMENTS: 'allow',
  INTROSPECTION: 'open',
  SUBSCRIPTIONS_PER_CONNECTION: '50',
  CONNECTIONS_PER_CLIENT: '20',
};

beforeAll(async () => {
  await startBucketRedis();
  process.env.TRAFFIC_REDIS_URL = `redis://127.0.0.1:${BUCKET_REDIS_PORT}`;
  // This machine runs many test files at once: a slow answer must not send buckets to memory here
  // (the stopped-Redis test refuses connections, which fails at once whatever the timeout).
  process.env.TRAFFIC_REDIS_TIMEOUT_MS = '2000';
  ({ stack, admin } = await startMarketplace());
});

afterAll(async () => {
  await stack?.stop();
  await stopBucketRedis();
});

// Settings are read per request: each test starts from the small limits and changes what it tests.
beforeEach(() => Object.assign(process.env, SMALL_LIMITS));

/** An address no other test uses (198.51.x.y: TEST-NET-2 and around). */
const newAddress = () => `198.51.${randomInt(0, 256)}.${randomInt(1, 255)}`;

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, any> }[]; extensions?: Record<string, any> };
}

/** POSTs as a client; anonymous ones from an address of their own unless told. */
async function post(body: Record<string, unknown>, opts: { address?: string; token?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const address = opts.address ?? (opts.token ? undefined : newAddress());
  if (address) headers['x-forwarded-for'] = address;
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(stack.gatewayUrl, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Answer['body'] };
}

async function get(params: Record<string, string>, opts: { address?: string } = {}): Promise<Answer> {
  // Apollo's CSRF prevention: a GET must say it is not a simple browser request.
  const headers: Record<string, string> = { 'apollo-require-preflight': 'true' };
  if (opts.address) headers['x-forwarded-for'] = opts.address;
  const res = await fetch(`${stack.gatewayUrl}?${new URLSearchParams(params)}`, { headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Answer['body'] };
}

/** 20 lookups of a product that does not exist: costs 20, and uses all 20 (nothing to refund). */
const TWENTY = `query Twenty { ${Array.from({ length: 20 }, (_, i) => `p${i}: product(id: "${randomUUID()}") { id }`).join(' ')} }`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A new customer's access token (signed up from an address of its own: 127.0.0.1's bucket is some tests' subject). */
async function customerToken(): Promise<string> {
  const input = { email: `${randomUUID()}@test.marketplace`, password: PASSWORD, name: 'Traffic Test' };
  const res = await post({ query: op('Register'), variables: { input } });
  expect(res.body.data.register.userErrors).toEqual([]);
  return res.body.data.register.accessToken;
}

/** A new store's API key secret with PRODUCTS_READ. */
async function apiKey(): Promise<string> {
  const customer = await customerToken();
  const store = await post({ query: op('BecomeSeller'), variables: { storeName: `Store ${randomUUID().slice(0, 8)}` } }, { token: customer });
  const seller = store.body.data.becomeSeller.accessToken as string;
  const created = await post({ query: op('CreateApiKey'), variables: { name: 'tool', scopes: ['PRODUCTS_READ'] } }, { token: seller });
  return created.body.data.createApiKey.secret;
}

describe('query cost', () => {
  it('is on every answer: requested from the schema, actual from what came back, and the bucket after, which falls and restores', async () => {
    process.env.TRAFFIC_RATE_LIMIT_ANONYMOUS = '200,4';
    const address = newAddress();
    // A search of this test's own (nothing matches): other test files' products are no concern of its.
    const catalog = await post({ query: op('Catalog'), variables: { query: `nothing-${randomUUID()}`, first: 5 } }, { address });
    expect(catalog.body.errors).toBeUndefined();
    const cost = catalog.body.extensions!.cost;
    // docs/query-cost.md: 147 at the default page size of 20; at 5, the edges cost a quarter.
    expect(cost.requestedQueryCost).toBeGreaterThan(0);
    expect(cost.requestedQueryCost).toBeLessThan(147);
    expect(cost.actualQueryCost).toBeLessThanOrEqual(cost.requestedQueryCost);
    expect(cost.throttleStatus).toEqual({ maximumAvailable: 200, currentlyAvailable: expect.any(Number), restoreRate: 4 });
    expect(cost.throttleStatus.currentlyAvailable).toBeLessThan(200);

    const first = await post({ query: TWENTY }, { address });
    expect(first.body.extensions!.cost).toMatchObject({ requestedQueryCost: 20, actualQueryCost: 20 });
    const second = await post({ query: TWENTY }, { address });
    const fallen = second.body.extensions!.cost.throttleStatus.currentlyAvailable;
    // Falls by 20 a request (less the 4 a second restored meanwhile)...
    expect(fallen).toBeLessThan(first.body.extensions!.cost.throttleStatus.currentlyAvailable - 10);

    // ...and restores at 4 a second: 5 s later, the next 20 are paid by what came back.
    await sleep(5000);
    const later = await post({ query: TWENTY }, { address });
    expect(later.body.extensions!.cost.throttleStatus.currentlyAvailable).toBeGreaterThanOrEqual(fallen);

    // An operation refused before it is priced costs nothing, and still says where the bucket stands.
    const invalid = await post({ query: '{ noSuchField }' }, { address });
    expect(invalid.body.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(invalid.body.extensions!.cost).toMatchObject({ requestedQueryCost: 0, actualQueryCost: 0, throttleStatus: { maximumAvailable: 200 } });
  });

  it('refunds what an operation asked for and did not use', async () => {
    process.env.TRAFFIC_RATE_LIMIT_ANONYMOUS = '1000,1';
    const address = newAddress();
    const res = await post({ query: op('ProductPage'), variables: { id: randomUUID() } }, { address });
    const cost = res.body.extensions!.cost;
    expect(res.body.data.product).toBeNull();
    // docs/query-cost.md: 80 asked; an unknown product is one null object.
    expect(cost).toMatchObject({ requestedQueryCost: 80, actualQueryCost: 1 });
    expect(cost.throttleStatus.currentlyAvailable).toBe(999);
    const next = await post({ query: op('ProductPage'), variables: { id: randomUUID() } }, { address });
    expect(next.body.extensions!.cost.throttleStatus.currentlyAvailable).toBe(998);
  });

  it('refuses outright an operation dearer than one operation may be, before it runs', async () => {
    process.env.TRAFFIC_RATE_LIMIT_ANONYMOUS = '100000,10';
    process.env.TRAFFIC_MAX_OPERATION_COST = '500';
    const res = await post({ query: op('Catalog'), variables: { first: 100 } }, { address: newAddress() });
    expect(res.status).toBe(400);
    expect(res.body.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.errors![0]!.message).toMatch(/costs 627, more than the 500/);
  });
});

describe('leaky bucket per client', () => {
  it('answers 429 + RATE_LIMITED + Retry-After once a client has spent its bucket, another client unaffected, and serves it again after the wait', async () => {
    const spender = newAddress();
    const other = newAddress();
    for (let i = 0; i < 3; i++) expect((await post({ query: TWENTY }, { address: spender })).status).toBe(200);

    const refused = await post({ query: TWENTY }, { address: spender });
    expect(refused.status).toBe(429);
    expect(refused.body.data ?? null).toBeNull();
    const error = refused.body.errors![0]!;
    expect(error.extensions!.code).toBe('RATE_LIMITED');
    expect(error.extensions!.retryAfterMs).toBeGreaterThan(0);
    expect(error.extensions!.retryAfterMs).toBeLessThanOrEqual(4000);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(refused.body.extensions!.cost).toMatchObject({ requestedQueryCost: 20, actualQueryCost: 0 });

    // Another client at the same moment.
    expect((await post({ query: TWENTY }, { address: other })).status).toBe(200);

    await sleep(retryAfter * 1000);
    const again = await post({ query: TWENTY }, { address: spender });
    expect(again.status).toBe(200);
    expect(again.body.errors).toBeUndefined();
  });

  it('cannot be overspent by concurrent requests', async () => {
    process.env.TRAFFIC_RATE_LIMIT_ANONYMOUS = '100,1';
    const address = newAddress();
    const answers = await Promise.all(Array.from({ length: 20 }, () => post({ query: TWENTY }, { address })));
    // 100 points pay for 5 operations of 20; the point or two restored meanwhile pays for none.
    expect(answers.filter((a) => a.status === 200)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(15);
  });

  it('believes X-Forwarded-For only from a trusted proxy', async () => {
    // The gateway's peer here is 127.0.0.1, not the trusted proxy: what requests claim is ignored,
    // and four of them from "four addresses" share one bucket (this file's buckets are its own Redis).
    process.env.TRUSTED_PROXIES = '10.9.9.9';
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await post({ query: TWENTY }, { address: newAddress() })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('counts an IPv6 client by its /64, which it could otherwise rotate through', async () => {
    const block = `2001:db8:${randomInt(0, 65536).toString(16)}:${randomInt(0, 65536).toString(16)}`;
    const statuses: number[] = [];
    for (const host of ['1', 'a', 'ffff:1', 'b']) statuses.push((await post({ query: TWENTY }, { address: `${block}::${host}` })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    // The next block is another client.
    expect((await post({ query: TWENTY }, { address: `2001:db9::1` })).status).toBe(200);
  });

  it('keys a signed-in account by the account, whatever address it comes from', async () => {
    const customer = await customerToken();
    for (let i = 0; i < 3; i++) expect((await post({ query: TWENTY }, { address: newAddress(), token: customer })).status).toBe(200);
    const refused = await post({ query: TWENTY }, { address: newAddress(), token: customer });
    expect(refused.status).toBe(429);
    // An API key has a bucket of its own, and a bigger one.
    const asKey = await post({ query: TWENTY }, { token: await apiKey() });
    expect(asKey.body.extensions!.cost.throttleStatus.maximumAvailable).toBe(1000);
  });

  it('keeps limiting, from memory, while Redis cannot answer', async () => {
    await stopBucketRedis();
    try {
      const address = newAddress();
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await post({ query: TWENTY }, { address })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const other = await post({ query: TWENTY }, { address: newAddress() });
      expect(other.status).toBe(200);
      expect(other.body.extensions!.cost.throttleStatus.currentlyAvailable).toBe(40);
    } finally {
      await startBucketRedis();
    }
    // Back in Redis once it answers again (the gateway asks it again a second after a failure, and
    // ioredis reconnects with a backoff): a new client's bucket then appears there.
    const redis = createRedis(`redis://127.0.0.1:${BUCKET_REDIS_PORT}`);
    try {
      let inRedis = false;
      for (let attempt = 0; attempt < 40 && !inRedis; attempt++) {
        const address = newAddress();
        await post({ query: TWENTY }, { address });
        inRedis = (await redis.exists(`traffic:bucket:ip:${address}`)) === 1;
        if (!inRedis) await sleep(250);
      }
      expect(inRedis).toBe(true);
    } finally {
      redis.disconnect();
    }
  });
});

describe('trusted documents', () => {
  const catalogHash = () => sha256(op('Catalog'));
  // Searches of the test's own, which nothing matches: other test files' products are no concern of these.
  const nothing = () => `nothing-${randomUUID()}`;

  it('runs a known document by its hash, by POST (APQ) and GET (documentId)', async () => {
    const byApq = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: catalogHash() } }, variables: { query: nothing(), first: 2 } }, { address: newAddress() });
    expect(byApq.body.errors).toBeUndefined();
    expect(byApq.body.data.products.edges.length).toBeLessThanOrEqual(2);

    const byGet = await get({ documentId: `sha256:${catalogHash()}`, variables: JSON.stringify({ query: nothing(), first: 2 }) }, { address: newAddress() });
    expect(byGet.status).toBe(200);
    expect(byGet.body.errors).toBeUndefined();
    expect(byGet.body.data.products).toBeDefined();

    const byGetApq = await get(
      { extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: catalogHash() } }), variables: JSON.stringify({ query: nothing(), first: 1 }) },
      { address: newAddress() },
    );
    expect(byGetApq.body.data.products).toBeDefined();
  });

  it('answers PERSISTED_QUERY_NOT_FOUND for an unknown hash', async () => {
    const res = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256('query Unknown { categories { id } }') } } });
    expect(res.body.errors![0]!.extensions!.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(res.body.errors![0]!.message).toBe('PersistedQueryNotFound');
  });

  it('registers a client\'s own document outside production (automatic persisted queries), not when enforcing', async () => {
    const query = `query Mine { category(slug: "${randomUUID()}") { id name } }`;
    const sha256Hash = sha256(query);
    const miss = await post({ extensions: { persistedQuery: { version: 1, sha256Hash } } });
    expect(miss.body.errors![0]!.extensions!.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const register = await post({ query, extensions: { persistedQuery: { version: 1, sha256Hash } } });
    expect(register.body.errors).toBeUndefined();
    const hit = await post({ extensions: { persistedQuery: { version: 1, sha256Hash } } });
    expect(hit.body.errors).toBeUndefined();
    expect(hit.body.data).toEqual({ category: null });

    process.env.TRUSTED_DOCUMENTS = 'enforce';
    const query2 = `query Mine { category(slug: "${randomUUID()}") { id } }`;
    await post({ query: query2, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query2) } } });
    const notRegistered = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query2) } } });
    expect(notRegistered.body.errors![0]!.extensions!.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('refuses a hash that does not match the text sent with it', async () => {
    const res = await post({ query: '{ categories { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: catalogHash() } } });
    expect(res.status).toBe(400);
    expect(res.body.errors![0]!.extensions!.code).toBe('BAD_REQUEST');
  });

  it('in enforce mode, refuses an anonymous or shopper\'s arbitrary document but serves known ones, and an API key\'s or operator\'s any', async () => {
    process.env.TRUSTED_DOCUMENTS = 'enforce';
    const arbitrary = '{ category(slug: "nope") { id } }';
    const anonymous = await post({ query: arbitrary }, { address: newAddress() });
    expect(anonymous.status).toBe(400);
    expect(anonymous.body.errors![0]!.extensions!.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    expect(anonymous.body.data ?? null).toBeNull();

    // (Signing up is a known document.)
    const customer = await customerToken();
    expect((await post({ query: arbitrary }, { token: customer })).body.errors![0]!.extensions!.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');

    // Known documents, by hash or as their exact text.
    const known = await post({ documentId: catalogHash(), variables: { query: nothing(), first: 1 } }, { address: newAddress() });
    expect(known.body.errors).toBeUndefined();
    const knownText = await post({ query: op('Suggest'), variables: { prefix: 'x' } }, { address: newAddress() });
    expect(knownText.body.errors).toBeUndefined();

    const asKey = await post({ query: arbitrary }, { token: await apiKey() });
    expect(asKey.body.errors).toBeUndefined();
    expect(asKey.body.data).toEqual({ category: null });
    expect((await post({ query: arbitrary }, { token: admin })).body.errors).toBeUndefined();
  });

  it('answers PERSISTED_QUERY_NOT_SUPPORTED for a hash when trusted documents are off', async () => {
    process.env.TRUSTED_DOCUMENTS = 'off';
    const res = await post({ documentId: catalogHash() });
    expect(res.body.errors![0]!.extensions!.code).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
  });
});

describe('introspection', () => {
  const INTROSPECT = '{ __schema { queryType { name } } }';

  it('is open to everyone when open', async () => {
    const res = await post({ query: INTROSPECT }, { address: newAddress() });
    expect(res.body.data.__schema.queryType.name).toBe('Query');
  });

  it('is closed to anonymous callers and shoppers, open to API keys and operators, under keys-and-operators', async () => {
    process.env.INTROSPECTION = 'keys-and-operators';
    const anonymous = await post({ query: INTROSPECT }, { address: newAddress() });
    expect(anonymous.status).toBe(403);
    expect(anonymous.body.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const viaFragment = await post({ query: 'query { ...F } fragment F on Query { __type(name: "Product") { name } }' }, { address: newAddress() });
    expect(viaFragment.body.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    // __typename is not introspection that matters.
    expect((await post({ query: '{ __typename }' }, { address: newAddress() })).body.data.__typename).toBe('Query');

    const customer = await customerToken();
    expect((await post({ query: INTROSPECT }, { token: customer })).body.errors![0]!.extensions!.code).toBe('FORBIDDEN');

    expect((await post({ query: INTROSPECT }, { token: admin })).body.data.__schema.queryType.name).toBe('Query');
    const asKey = await post({ query: INTROSPECT }, { token: await apiKey() });
    expect(asKey.body.data.__schema.queryType.name).toBe('Query');
  });

  it('is closed to everyone when closed', async () => {
    process.env.INTROSPECTION = 'closed';
    expect((await post({ query: INTROSPECT }, { token: admin })).body.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });
});

describe('subscriptions', () => {
  function wsClient(token: string) {
    return createClient({ url: stack.gatewayWsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: false, onNonLazyError: () => {} });
  }

  it('bounds the subscriptions one connection holds', async () => {
    process.env.SUBSCRIPTIONS_PER_CONNECTION = '2';
    const client = wsClient(await customerToken());
    const outcomes: string[] = [];
    const subscribe = () =>
      new Promise<void>((resolve) => {
        client.subscribe(
          { query: op('WatchStock'), variables: { productId: randomUUID() } },
          { next: () => {}, error: (e) => { outcomes.push(JSON.stringify(e)); resolve(); }, complete: () => resolve() },
        );
        setTimeout(resolve, 500);
      });
    await Promise.all([subscribe(), subscribe()]);
    await subscribe();
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatch(/RATE_LIMITED/);
    await client.dispose();
  });

  it('refuses a subscription dearer than one operation may be', async () => {
    const token = await customerToken();
    process.env.TRAFFIC_MAX_OPERATION_COST = '2'; // WatchStock costs 3 (docs/query-cost.md)
    const client = wsClient(token);
    const error = await new Promise<unknown>((resolve) => {
      client.subscribe({ query: op('WatchStock'), variables: { productId: randomUUID() } }, { next: (r) => resolve(r.errors), error: resolve, complete: () => {} });
    });
    expect(JSON.stringify(error)).toMatch(/GRAPHQL_VALIDATION_FAILED/);
    expect(JSON.stringify(error)).toMatch(/costs 3, more than the 2/);
    await client.dispose();
  });

  it('bounds the connections one client holds', async () => {
    process.env.CONNECTIONS_PER_CLIENT = '2';
    const customer = await customerToken();
    const closes: number[] = [];
    const clients = Array.from({ length: 3 }, () => {
      const client = wsClient(customer);
      client.on('closed', (event) => closes.push((event as { code: number }).code));
      return client;
    });
    await sleep(800);
    expect(closes).toEqual([4429]);
    await Promise.all(clients.map((c) => c.dispose()));
    // Closing one frees its place.
    await sleep(200);
    const again = wsClient(customer);
    const connected = await new Promise<boolean>((resolve) => {
      again.on('connected', () => resolve(true));
      again.on('closed', () => resolve(false));
    });
    expect(connected).toBe(true);
    await again.dispose();
  });
});
