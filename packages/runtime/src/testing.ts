/** Helpers for tests that talk to a subgraph directly, as the gateway would. */
import { IDENTITY_HEADER, signIdentityAssertion, type Identity, type Role, type Scope } from './identity';

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

/** POSTs a GraphQL operation to `${baseUrl}/graphql` with a signed identity (none = anonymous). */
export async function subgraphRequest<T = Record<string, any>>(
  baseUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  identity?: Identity,
  extraHeaders: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...extraHeaders };
  if (identity) headers[IDENTITY_HEADER] = await signIdentityAssertion(identity);
  const res = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return (await res.json()) as GraphQLResponse<T>;
}

export const asUser = (userId: string, roles: Role[] = ['CUSTOMER'], sellerId: string | null = null): Identity => ({
  kind: 'user',
  userId,
  roles,
  sellerId,
});
export const asSeller = (userId: string, sellerId: string): Identity => asUser(userId, ['CUSTOMER', 'SELLER'], sellerId);
export const asAdmin = (userId: string): Identity => asUser(userId, ['CUSTOMER', 'ADMIN']);
export const asApiKey = (keyId: string, sellerId: string, scopes: Scope[]): Identity => ({
  kind: 'apiKey',
  keyId,
  sellerId,
  scopes,
});
export const asService = (service = 'test'): Identity => ({ kind: 'service', service });
