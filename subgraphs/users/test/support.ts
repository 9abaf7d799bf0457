/** Steps the users tests share: real sign-ups through the subgraph's own API. */
import type { Identity } from '@marketplace/runtime';
import { subgraphRequest } from '@marketplace/runtime/testing';
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';

export const PASSWORD = 'correct horse battery';

export const uniqueEmail = () => `${randomUUID()}@test.users`;

export const AUTH_FIELDS = 'accessToken accessTokenExpiresAt refreshToken user { id email name roles } userErrors { field message code }';
export const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { ${AUTH_FIELDS} } }`;
export const LOGIN = `mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { ${AUTH_FIELDS} } }`;
export const REFRESH = `mutation ($refreshToken: String!) { refreshSession(refreshToken: $refreshToken) { ${AUTH_FIELDS} } }`;
export const BECOME_SELLER = `mutation ($storeName: String!) {
  becomeSeller(storeName: $storeName) { seller { id storeName } accessToken userErrors { field message code } }
}`;

export interface Account {
  userId: string;
  email: string;
  accessToken: string;
  refreshToken: string;
  identity: Identity;
}

export async function registerAccount(url: string, name = 'Ada Lovelace'): Promise<Account> {
  const email = uniqueEmail();
  const res = await subgraphRequest(url, REGISTER, { input: { email, password: PASSWORD, name } });
  expect(res.errors).toBeUndefined();
  expect(res.data!.register.userErrors).toEqual([]);
  const { accessToken, refreshToken, user } = res.data!.register;
  return { userId: user.id, email, accessToken, refreshToken, identity: { kind: 'user', userId: user.id, roles: ['CUSTOMER'], sellerId: null } };
}

export async function registerSeller(url: string, storeName = `Store ${randomUUID().slice(0, 8)}`) {
  const account = await registerAccount(url, 'Grace Hopper');
  const res = await subgraphRequest(url, BECOME_SELLER, { storeName }, account.identity);
  expect(res.data!.becomeSeller.userErrors).toEqual([]);
  const sellerId: string = res.data!.becomeSeller.seller.id;
  const identity: Identity = { kind: 'user', userId: account.userId, roles: ['CUSTOMER', 'SELLER'], sellerId };
  return { ...account, sellerId, storeName, identity, accessToken: res.data!.becomeSeller.accessToken as string };
}

/** Codes of a payload's userErrors, for compact assertions. */
export const codes = (payload: { userErrors: { code: string }[] }) => payload.userErrors.map((e) => e.code);
