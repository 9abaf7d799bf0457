import { signIdentityAssertion, type Identity } from '@marketplace/runtime';
import { authenticate } from './authenticate';

export interface GatewayContext {
  identity: Identity;
  /** The identity signed for subgraphs; absent for anonymous callers. */
  identityAssertion?: string;
}

export async function createGatewayContext(authorization: string | undefined): Promise<GatewayContext> {
  const identity = await authenticate(authorization);
  if (identity.kind === 'anonymous') return { identity };
  return { identity, identityAssertion: await signIdentityAssertion(identity) };
}
