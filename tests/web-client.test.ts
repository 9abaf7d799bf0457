/**
 * The storefront's GraphQL client (web/src/lib/client.ts) against the real graph: access tokens
 * refreshed before they expire and after the graph refuses one, refresh tokens rotated, a refused
 * refresh ending the session, and subscriptions over graphql-ws with the session's identity.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createMarketplaceClient } from '../web/src/lib/client';
import { getSession, setSession } from '../web/src/lib/session';
import { AddToCartDocument, CartDocument, MeDocument, TrackOrderDocument } from '../web/src/gql/graphql';
import { op } from '../scripts/contract';
import { startStack, type Stack } from '../scripts/stack';
import { checkoutCart, createCategory, createProduct, createWarehouse, operatorToken, registerCustomer, registerSeller, setStock } from './helpers';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  setSession(null);
  await stack.stop();
});

/** A token the client reads as expired (its signature is never checked: it is refreshed before being sent). */
const expiredToken = () => `e30.${Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) - 60 })).toString('base64url')}.sig`;

async function signedIn() {
  const customer = await registerCustomer(stack, 'Refresh Tester');
  setSession({ accessToken: customer.token, refreshToken: customer.refreshToken, user: { id: customer.userId, email: customer.email, name: 'Refresh Tester', roles: ['CUSTOMER'] } });
  return customer;
}

describe('the storefront client', () => {
  it('refreshes an access token about to expire before sending, and keeps the rotated refresh token', async () => {
    const customer = await signedIn();
    setSession({ ...getSession()!, accessToken: expiredToken() });
    const { client } = createMarketplaceClient({ url: stack.gatewayUrl, webSocketImpl: WebSocket });
    const result = await client.query(MeDocument, {}, { requestPolicy: 'network-only' }).toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data?.me?.email).toBe(customer.email);
    expect(getSession()!.refreshToken).not.toBe(customer.refreshToken);
    // The old refresh token was used once: reusing it is refused by the graph.
    const reuse = await stack.request(op('RefreshSession'), { refreshToken: customer.refreshToken });
    expect(reuse.data.refreshSession.accessToken).toBeNull();
  });

  it('refreshes once when the graph refuses the token, then sends the operation again', async () => {
    const customer = await signedIn();
    setSession({ ...getSession()!, accessToken: 'revoked-or-garbled' });
    const { client } = createMarketplaceClient({ url: stack.gatewayUrl, webSocketImpl: WebSocket });
    const result = await client.query(MeDocument, {}, { requestPolicy: 'network-only' }).toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data?.me?.email).toBe(customer.email);
    expect(getSession()!.accessToken).not.toBe('revoked-or-garbled');
  });

  it('ends the session when the refresh token is refused', async () => {
    const customer = await signedIn();
    await stack.request(op('RefreshSession'), { refreshToken: customer.refreshToken }); // rotated elsewhere: ours is stale
    setSession({ ...getSession()!, accessToken: expiredToken() });
    const { client } = createMarketplaceClient({ url: stack.gatewayUrl, webSocketImpl: WebSocket });
    const result = await client.query(MeDocument, {}, { requestPolicy: 'network-only' }).toPromise();
    expect(getSession()).toBeNull();
    expect(result.data?.me ?? null).toBeNull();
  });

  it('sends the contract\'s operations exactly as written (so the trusted-documents manifest covers them), and a mutation refreshes what it changed', async () => {
    const admin = await operatorToken(stack);
    const categoryId = (await createCategory(stack, admin)).id;
    const warehouseId = (await createWarehouse(stack, admin)).id;
    const store = await registerSeller(stack);
    const product = await createProduct(stack, store.token, categoryId, { prices: [1200] });
    await setStock(stack, store.token, product.variants[0]!.id, warehouseId, 5);
    await signedIn();

    const sent: { operationName?: string; query: string }[] = [];
    const watching: typeof fetch = (input, init) => {
      sent.push(JSON.parse(String(init?.body)));
      return fetch(input, init);
    };
    const { client } = createMarketplaceClient({ url: stack.gatewayUrl, webSocketImpl: WebSocket, fetch: watching });
    expect((await client.query(CartDocument, {}).toPromise()).data?.me?.cart?.itemCount).toBe(0);
    await client.mutation(AddToCartDocument, { variantId: product.variants[0]!.id, quantity: 2 }).toPromise();
    // The cached cart was dropped by the mutation (both are tagged Cart): asked again, it comes from the graph.
    expect((await client.query(CartDocument, {}).toPromise()).data?.me?.cart?.itemCount).toBe(2);

    expect(sent.map((body) => body.operationName)).toEqual(['Cart', 'AddToCart', 'Cart']);
    for (const body of sent) expect(body.query).toBe(op(body.operationName!));
  });

  it('subscribes over graphql-ws with the session\'s identity and receives the order\'s changes', async () => {
    const admin = await operatorToken(stack);
    const categoryId = (await createCategory(stack, admin)).id;
    const warehouseId = (await createWarehouse(stack, admin)).id;
    const store = await registerSeller(stack);
    const product = await createProduct(stack, store.token, categoryId, { prices: [1500] });
    await setStock(stack, store.token, product.variants[0]!.id, warehouseId, 3);
    const buyer = await signedIn();
    const order = await checkoutCart(stack, buyer.token, [{ variantId: product.variants[0]!.id, quantity: 1 }]);

    const { client } = createMarketplaceClient({ url: stack.gatewayUrl, webSocketImpl: WebSocket });
    const statuses: string[] = [];
    const before = stack.subscriptionStats().clients;
    const { unsubscribe } = client.subscription(TrackOrderDocument, { id: order.id }).subscribe((result) => {
      if (result.data) statuses.push(result.data.orderUpdated.status);
    });
    await expect.poll(() => stack.subscriptionStats().clients, { timeout: 10_000 }).toBeGreaterThan(before);
    const cancelled = await stack.request(op('CancelOrder'), { id: order.id }, buyer.token);
    expect(cancelled.data.cancelOrder.userErrors).toEqual([]);
    await expect.poll(() => statuses, { timeout: 10_000 }).toContain('CANCELLED');
    unsubscribe();
  });
});
