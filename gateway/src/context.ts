import { signIdentityAssertion, type Identity } from '@marketplace/runtime';
import { decodeJwt } from 'jose';
import { LRUCache } from 'lru-cache';
import { authenticate } from './authenticate';
import type { TrafficRequest } from './traffic';

export interface GatewayContext {
  identity: Identity;
  /** The identity signed for subgraphs; absent for anonymous callers. */
  identityAssertion?: string;
  /** The client's address and its document's origin (gateway/src/traffic), for HTTP requests. */
  traffic?: TrafficRequest;
}

/** Assertions live 60 s; one is reused this long, so a subgraph always gets it with time to spare. */
const ASSERTION_REUSE_MS = 45_000;

/**
 * The identity and signed assertion of recently seen access tokens. An access token says all
 * there is to know until it expires (nothing revokes it sooner), so a repeated one needs neither
 * its signature verified nor a new assertion signed: that crypto was most of the gateway's own
 * cost per request. API keys are not kept: they are asked about on every request.
 */
const signedInCallers = new LRUCache<string, Required<Pick<GatewayContext, 'identity' | 'identityAssertion'>>>({ max: 10_000 });

export async function createGatewayContext(authorization: string | undefined): Promise<GatewayContext> {
  const known = authorization === undefined ? undefined : signedInCallers.get(authorization);
  if (known) return { ...known };
  const identity = await authenticate(authorization);
  if (identity.kind === 'anonymous') return { identity };
  const context = { identity, identityAssertion: await signIdentityAssertion(identity) };
  if (identity.kind === 'user') {
    // authenticate() verified it: the header is "Bearer <access token>".
    const { exp } = decodeJwt(authorization!.trim().split(/\s+/)[1]!);
    const reuseMs = Math.min(ASSERTION_REUSE_MS, (exp ?? 0) * 1000 - Date.now());
    if (reuseMs > 0) signedInCallers.set(authorization!, context, { ttl: reuseMs });
  }
  return context;
}
