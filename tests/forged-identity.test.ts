import { IDENTITY_HEADER } from '@marketplace/runtime';
import { SignJWT, generateKeyPair } from 'jose';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { op } from '../scripts/contract';
import { graphql } from '../scripts/graphql-client';
import { startStack, type Stack } from '../scripts/stack';
import { createCategory, createProduct, operatorToken, registerSeller } from './helpers';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

/** An identity assertion signed with a key of the attacker's own. */
async function selfSignedAssertion(identity: object): Promise<string> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  return new SignJWT({ identity })
    .setProtectedHeader({ alg: 'EdDSA' })
    .setIssuer('marketplace')
    .setAudience('marketplace-subgraphs')
    .setIssuedAt()
    .setExpirationTime('60s')
    .sign(privateKey);
}

describe('a request that reaches a subgraph directly with made-up identity', () => {
  it('is anonymous: it cannot create a category nor touch a product', async () => {
    const admin = await operatorToken(stack);
    const category = await createCategory(stack, admin);
    const seller = await registerSeller(stack);
    const product = await createProduct(stack, seller.token, category.id);
    const adminIdentity = { kind: 'user', userId: randomUUID(), roles: ['CUSTOMER', 'ADMIN'], sellerId: null };
    const sellerIdentity = { kind: 'user', userId: seller.userId, roles: ['CUSTOMER', 'SELLER'], sellerId: seller.sellerId };

    const forgeries: Record<string, string>[] = [
      { 'x-user-id': adminIdentity.userId, 'x-roles': 'ADMIN', 'x-user-roles': 'ADMIN', 'x-seller-id': seller.sellerId },
      { [IDENTITY_HEADER]: JSON.stringify(adminIdentity) },
      { [IDENTITY_HEADER]: await selfSignedAssertion(adminIdentity) },
      // A genuine access token is for the gateway, not an identity assertion.
      { [IDENTITY_HEADER]: admin },
      { authorization: `Bearer ${admin}` },
    ];
    for (const headers of forgeries) {
      const create = await graphql(
        `${stack.subgraphUrls.products}/graphql`,
        op('CreateCategory'),
        { input: { name: 'Forged', slug: `forged-${randomUUID().slice(0, 8)}` } },
        { headers },
      );
      expect(create.errors?.[0]?.extensions?.code, JSON.stringify(headers)).toBe('UNAUTHENTICATED');
      expect(create.data?.createCategory ?? null).toBeNull();

      const forgedSeller = { ...headers };
      if (forgedSeller[IDENTITY_HEADER]?.startsWith('{')) forgedSeller[IDENTITY_HEADER] = JSON.stringify(sellerIdentity);
      const update = await graphql(
        `${stack.subgraphUrls.products}/graphql`,
        op('UpdateProduct'),
        { id: product.id, input: { title: 'Defaced' } },
        { headers: { ...forgedSeller, 'x-user-id': seller.userId, 'x-seller-id': seller.sellerId } },
      );
      expect(update.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }

    // Nothing changed: the category list has no forged entry and the product keeps its title.
    const categories = await stack.request(op('Categories'));
    expect(categories.data.categories.some((c: { name: string }) => c.name === 'Forged')).toBe(false);
    const page = await stack.request(op('ProductPage'), { id: product.id });
    expect(page.data.product.title).not.toBe('Defaced');
  });
});
