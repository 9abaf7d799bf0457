import fc from 'fast-check';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { evaluateRule, type AuthRule } from '../src/auth';
import { ALGORITHM, getKey } from '../src/keys';
import {
  ROLES,
  SCOPES,
  signAccessToken,
  signIdentityAssertion,
  verifyAccessToken,
  verifyIdentityAssertion,
  type Identity,
} from '../src/identity';

const customer: Identity = { kind: 'user', userId: 'u1', roles: ['CUSTOMER'], sellerId: null };
const seller: Identity = { kind: 'user', userId: 'u2', roles: ['CUSTOMER', 'SELLER'], sellerId: 's1' };
const admin: Identity = { kind: 'user', userId: 'u3', roles: ['CUSTOMER', 'ADMIN'], sellerId: null };
const keyWith = (...scopes: (typeof SCOPES)[number][]): Identity => ({ kind: 'apiKey', keyId: 'k', sellerId: 's1', scopes });

describe('@auth rules', () => {
  it('lets anyone use public fields and asks anonymous callers to sign in otherwise', () => {
    expect(evaluateRule({ kind: 'anonymous' }, { public: true })).toBe('ALLOWED');
    expect(evaluateRule({ kind: 'anonymous' }, { roles: ['CUSTOMER'] })).toBe('UNAUTHENTICATED');
  });

  it('matches roles', () => {
    expect(evaluateRule(customer, { roles: ['CUSTOMER'] })).toBe('ALLOWED');
    expect(evaluateRule(customer, { roles: ['ADMIN'] })).toBe('FORBIDDEN');
    expect(evaluateRule(admin, { roles: ['ADMIN'] })).toBe('ALLOWED');
    expect(evaluateRule(seller, { roles: ['SELLER'], scopes: ['INVENTORY_WRITE'] })).toBe('ALLOWED');
  });

  it('lets an API key through only where a seller may go and it holds one of the scopes', () => {
    expect(evaluateRule(keyWith('INVENTORY_WRITE'), { roles: ['SELLER'], scopes: ['INVENTORY_WRITE'] })).toBe('ALLOWED');
    expect(evaluateRule(keyWith('PRODUCTS_WRITE'), { roles: ['SELLER'], scopes: ['INVENTORY_WRITE'] })).toBe('FORBIDDEN');
    // No scope named: keys are refused (e.g. createApiKey, customer fields).
    expect(evaluateRule(keyWith(...SCOPES), { roles: ['SELLER'] })).toBe('FORBIDDEN');
    expect(evaluateRule(keyWith(...SCOPES), { roles: ['CUSTOMER', 'ADMIN'], scopes: ['ORDERS_READ'] })).toBe('FORBIDDEN');
  });

  it('never lets a key do what none of its scopes names (property)', () => {
    fc.assert(
      fc.property(
        fc.subarray([...SCOPES]),
        fc.subarray([...SCOPES]),
        fc.subarray([...ROLES]),
        (keyScopes, ruleScopes, ruleRoles) => {
          const rule: AuthRule = { roles: ruleRoles, scopes: ruleScopes };
          const verdict = evaluateRule(keyWith(...keyScopes), rule);
          const shared = keyScopes.some((s) => ruleScopes.includes(s));
          expect(verdict === 'ALLOWED').toBe(shared && ruleRoles.includes('SELLER'));
        },
      ),
    );
  });
});

describe('identity assertions', () => {
  it('round-trips an identity signed with the internal key', async () => {
    expect(await verifyIdentityAssertion(await signIdentityAssertion(seller))).toEqual(seller);
  });

  it('treats missing, malformed, foreign, expired and wrong-audience assertions as anonymous', async () => {
    const anonymous = { kind: 'anonymous' };
    expect(await verifyIdentityAssertion(undefined)).toEqual(anonymous);
    expect(await verifyIdentityAssertion(JSON.stringify(admin))).toEqual(anonymous);
    const accessToken = (await signAccessToken({ userId: 'u3', roles: ['ADMIN'], sellerId: null })).token;
    expect(await verifyIdentityAssertion(accessToken)).toEqual(anonymous);
    const expired = await new SignJWT({ identity: admin })
      .setProtectedHeader({ alg: ALGORITHM })
      .setIssuer('marketplace')
      .setAudience('marketplace-subgraphs')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 300)
      .sign(await getKey('internal', 'private'));
    expect(await verifyIdentityAssertion(expired)).toEqual(anonymous);
  });

  it('verifies access tokens at the gateway, and not assertions posing as them', async () => {
    const { token, expiresAt } = await signAccessToken({ userId: 'u2', roles: ['CUSTOMER', 'SELLER'], sellerId: 's1' });
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now());
    expect(await verifyAccessToken(token)).toEqual(seller);
    expect(await verifyAccessToken(await signIdentityAssertion(admin))).toBeNull();
  });
});
