import { callInternal, sqlStatements, startSubgraph, verifyAccessToken, type RunningServer } from '@marketplace/runtime';
import { asApiKey, asService, subgraphRequest } from '@marketplace/runtime/testing';
import { eq, sql } from 'drizzle-orm';
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ACTIVE_KEYS_PER_STORE } from '../src/api-keys';
import { db } from '../src/db/client';
import { apiKeys, users as usersTable } from '../src/db/schema';
import { users } from '../src/index';
import { BECOME_SELLER, codes, registerAccount, registerSeller } from './support';

let server: RunningServer;
beforeAll(async () => {
  server = await startSubgraph(users, { port: 0 });
  process.env.USERS_URL = server.url;
});
afterAll(() => server.stop());

const MY_SELLER = '{ mySeller { id storeName } }';

describe('becomeSeller', () => {
  it('opens a store, adds SELLER, and returns a token that carries it', async () => {
    const account = await registerAccount(server.url);
    const storeName = `Corner Shop ${randomUUID()}`;
    const res = await subgraphRequest(server.url, BECOME_SELLER, { storeName: `  ${storeName} ` }, account.identity);
    const payload = res.data!.becomeSeller;
    expect(payload).toMatchObject({ seller: { id: expect.any(String), storeName }, userErrors: [] });
    const claims = await verifyAccessToken(payload.accessToken);
    expect(claims).toEqual({ kind: 'user', userId: account.userId, roles: ['CUSTOMER', 'SELLER'], sellerId: payload.seller.id });

    const [row] = await db.select().from(usersTable).where(eq(usersTable.id, account.userId));
    expect(row!.roles).toEqual(['CUSTOMER', 'SELLER']);
    const mine = await subgraphRequest(server.url, MY_SELLER, {}, claims!);
    expect(mine.data!.mySeller).toEqual(payload.seller);
    const SELLER = `query ($id: ID!) { seller(id: $id) { id storeName createdAt } }`;
    const seller = await subgraphRequest(server.url, SELLER, { id: payload.seller.id });
    expect(seller.data!.seller).toMatchObject({ storeName, createdAt: expect.stringMatching(/Z$/) });
    const USER_SELLER = `query ($id: ID!) { _entities(representations: [{ __typename: "User", id: $id }]) { ... on User { seller { id } } } }`;
    expect((await subgraphRequest(server.url, USER_SELLER, { id: account.userId })).data!._entities[0].seller).toEqual({ id: payload.seller.id });
  });

  it('refuses a second store, a taken name (any case) and names out of 2..80', async () => {
    const seller = await registerSeller(server.url);
    const again = await subgraphRequest(server.url, BECOME_SELLER, { storeName: `Other ${randomUUID()}` }, seller.identity);
    expect(again.data!.becomeSeller).toEqual({ seller: null, accessToken: null, userErrors: [expect.objectContaining({ code: 'ALREADY_SELLER' })] });

    const other = await registerAccount(server.url);
    const taken = await subgraphRequest(server.url, BECOME_SELLER, { storeName: seller.storeName.toUpperCase() }, other.identity);
    expect(taken.data!.becomeSeller.userErrors).toEqual([expect.objectContaining({ code: 'STORE_NAME_TAKEN', field: ['storeName'] })]);
    for (const [storeName, code] of [[' x ', 'INVALID_INPUT'], ['s'.repeat(81), 'TOO_LONG']]) {
      const res = await subgraphRequest(server.url, BECOME_SELLER, { storeName }, other.identity);
      expect(codes(res.data!.becomeSeller)).toEqual([code]);
    }
    const [row] = await db.select().from(usersTable).where(eq(usersTable.id, other.userId));
    expect(row!.roles).toEqual(['CUSTOMER']);
  });

  it('opens one store when asked twice at once', async () => {
    const account = await registerAccount(server.url);
    const results = await Promise.all(
      [1, 2, 3].map((i) => subgraphRequest(server.url, BECOME_SELLER, { storeName: `Race ${i} ${randomUUID()}` }, account.identity)),
    );
    expect(results.map((r) => codes(r.data!.becomeSeller)).sort()).toEqual([[], ['ALREADY_SELLER'], ['ALREADY_SELLER']]);
  });

  it('answers null for unknown and malformed store ids', async () => {
    for (const id of [randomUUID(), 'nope']) {
      expect((await subgraphRequest(server.url, `query ($id: ID!) { seller(id: $id) { id } }`, { id })).data).toEqual({ seller: null });
    }
  });
});

const CREATE_KEY = `mutation ($name: String!, $scopes: [Scope!]!) {
  createApiKey(name: $name, scopes: $scopes) { apiKey { id name prefix scopes createdAt lastUsedAt revokedAt } secret userErrors { field message code } }
}`;
const REVOKE_KEY = `mutation ($id: ID!) { revokeApiKey(id: $id) { apiKey { id revokedAt } userErrors { field message code } } }`;
const API_KEYS = '{ mySeller { apiKeys { id name prefix scopes lastUsedAt revokedAt } } }';

describe('API keys', () => {
  it('are created with de-duplicated scopes, shown once, stored as hashes, and verified for the gateway', async () => {
    const seller = await registerSeller(server.url);
    const res = await subgraphRequest(server.url, CREATE_KEY, { name: ' warehouse sync ', scopes: ['INVENTORY_WRITE', 'PRODUCTS_READ', 'INVENTORY_WRITE'] }, seller.identity);
    const { apiKey, secret, userErrors } = res.data!.createApiKey;
    expect(userErrors).toEqual([]);
    expect(secret).toMatch(/^mk_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toEqual({
      id: expect.any(String),
      name: 'warehouse sync',
      prefix: secret.slice(0, 12),
      scopes: ['PRODUCTS_READ', 'INVENTORY_WRITE'],
      createdAt: expect.any(String),
      lastUsedAt: null,
      revokedAt: null,
    });
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, apiKey.id));
    expect(row!.secretHash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(secret);

    expect(await callInternal('users', 'verifyApiKey', { secret })).toEqual({ keyId: apiKey.id, sellerId: seller.sellerId, scopes: ['PRODUCTS_READ', 'INVENTORY_WRITE'] });
    expect(await callInternal('users', 'verifyApiKey', { secret: `${secret}x` })).toBeNull();
    expect(await callInternal('users', 'verifyApiKey', { secret: 'eyJhbGciOi.not.a.key' })).toBeNull();

    // Listed to the store's own session only, with no secret anywhere.
    const listed = await subgraphRequest(server.url, API_KEYS, {}, seller.identity);
    expect(listed.data!.mySeller.apiKeys).toEqual([expect.objectContaining({ id: apiKey.id, prefix: apiKey.prefix, lastUsedAt: expect.any(String) })]);
    const asKey = await subgraphRequest(server.url, API_KEYS, {}, asApiKey(apiKey.id, seller.sellerId, ['PRODUCTS_READ']));
    expect(asKey.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    const other = await registerSeller(server.url);
    const SELLER_KEYS = `query ($id: ID!) { seller(id: $id) { apiKeys { id } } }`;
    const otherSeller = await subgraphRequest(server.url, SELLER_KEYS, { id: seller.sellerId }, other.identity);
    expect(otherSeller.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  it('record their last use at most once a minute', async () => {
    const seller = await registerSeller(server.url);
    const { apiKey, secret } = (await subgraphRequest(server.url, CREATE_KEY, { name: 'poller', scopes: ['ORDERS_READ'] }, seller.identity)).data!.createApiKey;
    const lastUsedAt = async () => (await db.select({ at: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.id, apiKey.id)))[0]!.at;

    await callInternal('users', 'verifyApiKey', { secret });
    const first = await lastUsedAt();
    expect(first).toBeInstanceOf(Date);
    await Promise.all(Array.from({ length: 5 }, () => callInternal('users', 'verifyApiKey', { secret })));
    expect(await lastUsedAt()).toEqual(first);

    await db.update(apiKeys).set({ lastUsedAt: sql`now() - interval '61 seconds'` }).where(eq(apiKeys.id, apiKey.id));
    await callInternal('users', 'verifyApiKey', { secret });
    expect((await lastUsedAt())!.getTime()).toBeGreaterThan(Date.now() - 10_000);
  });

  it('stop verifying once revoked; revoking again keeps the first time', async () => {
    const seller = await registerSeller(server.url);
    const { apiKey, secret } = (await subgraphRequest(server.url, CREATE_KEY, { name: 'ci', scopes: ['PRODUCTS_WRITE'] }, seller.identity)).data!.createApiKey;
    const revoked = await subgraphRequest(server.url, REVOKE_KEY, { id: apiKey.id }, seller.identity);
    expect(revoked.data!.revokeApiKey).toEqual({ apiKey: { id: apiKey.id, revokedAt: expect.any(String) }, userErrors: [] });
    expect(await callInternal('users', 'verifyApiKey', { secret })).toBeNull();
    const again = await subgraphRequest(server.url, REVOKE_KEY, { id: apiKey.id }, seller.identity);
    expect(again.data!.revokeApiKey.apiKey.revokedAt).toBe(revoked.data!.revokeApiKey.apiKey.revokedAt);
  });

  it("refuse another store's key, unknown keys, bad input, and callers that are not the store's own session", async () => {
    const seller = await registerSeller(server.url);
    const { apiKey } = (await subgraphRequest(server.url, CREATE_KEY, { name: 'mine', scopes: ['ORDERS_READ'] }, seller.identity)).data!.createApiKey;
    const other = await registerSeller(server.url);

    const foreign = await subgraphRequest(server.url, REVOKE_KEY, { id: apiKey.id }, other.identity);
    expect(foreign.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    for (const id of [randomUUID(), 'nope']) {
      expect(codes((await subgraphRequest(server.url, REVOKE_KEY, { id }, seller.identity)).data!.revokeApiKey)).toEqual(['NOT_FOUND']);
    }

    const invalid = await subgraphRequest(server.url, CREATE_KEY, { name: '', scopes: [] }, seller.identity);
    expect(invalid.data!.createApiKey).toMatchObject({ apiKey: null, secret: null });
    expect(invalid.data!.createApiKey.userErrors.map((e: { code: string; field: string[] }) => [e.field, e.code])).toEqual([
      [['name'], 'INVALID_INPUT'],
      [['scopes'], 'INVALID_INPUT'],
    ]);
    expect(codes((await subgraphRequest(server.url, CREATE_KEY, { name: 'n'.repeat(101), scopes: ['ORDERS_READ'] }, seller.identity)).data!.createApiKey)).toEqual(['TOO_LONG']);

    const byKey = await subgraphRequest(server.url, CREATE_KEY, { name: 'escalate', scopes: ['ORDERS_WRITE'] }, asApiKey(apiKey.id, seller.sellerId, ['ORDERS_READ']));
    expect(byKey.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    const byCustomer = await subgraphRequest(server.url, CREATE_KEY, { name: 'nope', scopes: ['ORDERS_READ'] }, (await registerAccount(server.url)).identity);
    expect(byCustomer.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(await db.select().from(apiKeys).where(eq(apiKeys.sellerId, seller.sellerId))).toHaveLength(1);
  });

  it(`are limited to ${MAX_ACTIVE_KEYS_PER_STORE} active keys per store`, async () => {
    const seller = await registerSeller(server.url);
    await db.insert(apiKeys).values(
      Array.from({ length: MAX_ACTIVE_KEYS_PER_STORE }, (_, i) => ({
        sellerId: seller.sellerId,
        name: `key ${i}`,
        prefix: 'mk_seeded',
        secretHash: createHash('sha256').update(randomUUID()).digest('hex'),
        scopes: ['ORDERS_READ' as const],
      })),
    );
    const create = () => subgraphRequest(server.url, CREATE_KEY, { name: 'one too many', scopes: ['ORDERS_READ'] }, seller.identity);
    expect(codes((await create()).data!.createApiKey)).toEqual(['INVALID_INPUT']);
    const [oldest] = await db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.sellerId, seller.sellerId)).limit(1);
    await subgraphRequest(server.url, REVOKE_KEY, { id: oldest!.id }, seller.identity);
    expect(codes((await create()).data!.createApiKey)).toEqual([]);
  });

  it('give an API key its store as mySeller', async () => {
    const seller = await registerSeller(server.url);
    const res = await subgraphRequest(server.url, MY_SELLER, {}, asApiKey(randomUUID(), seller.sellerId, ['INVENTORY_READ']));
    expect(res.data!.mySeller).toEqual({ id: seller.sellerId, storeName: seller.storeName });
  });

  it('are verified only for our own services', async () => {
    const res = await fetch(`${server.url}/internal/verifyApiKey`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ secret: 'mk_anything' }),
    });
    expect(res.status).toBe(403);
  });
});

describe('store names for other services', () => {
  it('gives the names of the stores asked for, in one call, leaving out unknown and malformed ids', async () => {
    const [a, b] = await Promise.all([registerSeller(server.url), registerSeller(server.url)]);
    const names = await callInternal('users', 'storeNames', { sellerIds: [b.sellerId, randomUUID(), 'not-an-id', a.sellerId] });
    expect(names).toEqual(
      expect.arrayContaining([
        { sellerId: a.sellerId, storeName: a.storeName },
        { sellerId: b.sellerId, storeName: b.storeName },
      ]),
    );
    expect(names).toHaveLength(2);
    expect(await callInternal('users', 'storeNames', { sellerIds: [] })).toEqual([]);
  });
});

describe('batching', () => {
  it('resolves 50 users with their stores and addresses in as many statements as 5', async () => {
    const accounts = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? registerSeller(server.url) : registerAccount(server.url))));
    const QUERY = `query ($reps: [_Any!]!) {
      _entities(representations: $reps) { ... on User { name email roles addresses { id } wishlist { id } seller { id storeName createdAt } } }
    }`;
    const statementsFor = async (count: number) => {
      const reps = accounts.slice(0, count).map((a) => ({ __typename: 'User', id: a.userId }));
      const before = sqlStatements.count;
      const res = await subgraphRequest(server.url, QUERY, { reps }, asService());
      expect(res.errors).toBeUndefined();
      expect(res.data!._entities).toHaveLength(count);
      return sqlStatements.count - before;
    };
    const few = await statementsFor(5);
    expect(await statementsFor(50)).toBe(few);

  });
});
