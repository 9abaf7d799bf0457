import { SignJWT, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import { ALGORITHM, getKey } from './keys';
import { setting } from './settings';

/** The `Role` and `Scope` enums of the schema, for code and for the tables that store them. */
export const ROLES = ['CUSTOMER', 'SELLER', 'ADMIN'] as const;
export const SCOPES = ['PRODUCTS_READ', 'PRODUCTS_WRITE', 'INVENTORY_READ', 'INVENTORY_WRITE', 'ORDERS_READ', 'ORDERS_WRITE'] as const;
export type Role = (typeof ROLES)[number];
export type Scope = (typeof SCOPES)[number];

/** Who is calling, as every subgraph sees it. */
export type Identity =
  | { kind: 'anonymous' }
  /** A signed-in account (customer, seller, operator). */
  | { kind: 'user'; userId: string; roles: Role[]; sellerId: string | null }
  /** A seller's API key: acts as its seller with exactly its scopes. */
  | { kind: 'apiKey'; keyId: string; sellerId: string; scopes: Scope[] }
  /** One of our own processes (the gateway completing a subscription event, a saga step). */
  | { kind: 'service'; service: string };

export const ANONYMOUS: Identity = { kind: 'anonymous' };

/** The only header a subgraph reads identity from: a short-lived JWT signed with the internal key. */
export const IDENTITY_HEADER = 'x-identity-assertion';
const ASSERTION_AUDIENCE = 'marketplace-subgraphs';
const ACCESS_AUDIENCE = 'marketplace';
const ISSUER = 'marketplace';

/** Signs an identity for subgraphs to trust (gateway and service callers). Valid for one minute. */
export async function signIdentityAssertion(identity: Identity): Promise<string> {
  return new SignJWT({ identity })
    .setProtectedHeader({ alg: ALGORITHM })
    .setIssuer(ISSUER)
    .setAudience(ASSERTION_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('60s')
    .sign(await getKey('internal', 'private'));
}

/**
 * Assertions this process has verified, until they expire. Callers repeat theirs (a service
 * reuses its own for 45 s over all its calls, the gateway a caller's over their requests), and a
 * hit skips the EdDSA verification that is most of what identifying a request costs.
 */
const verifiedAssertions = new LRUCache<string, Identity>({ max: 10_000 });

/** The identity a request carries; anything missing, forged or expired is anonymous. */
export async function verifyIdentityAssertion(token: string | undefined): Promise<Identity> {
  if (!token) return ANONYMOUS;
  const verified = verifiedAssertions.get(token);
  if (verified) return verified;
  try {
    const { payload } = await jwtVerify(token, await getKey('internal', 'public'), {
      issuer: ISSUER,
      audience: ASSERTION_AUDIENCE,
      algorithms: [ALGORITHM],
      requiredClaims: ['exp'],
    });
    const identity = (payload.identity as Identity | undefined) ?? ANONYMOUS;
    const validForMs = payload.exp! * 1000 - Date.now();
    if (validForMs > 0) verifiedAssertions.set(token, identity, { ttl: validForMs });
    return identity;
  } catch {
    return ANONYMOUS;
  }
}

export interface AccessTokenClaims {
  userId: string;
  roles: Role[];
  sellerId: string | null;
}

/** Issues a short-lived access token (users subgraph). */
export async function signAccessToken(claims: AccessTokenClaims): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date(Date.now() + setting('ACCESS_TOKEN_TTL_SECONDS') * 1000);
  const token = await new SignJWT({ roles: claims.roles, sellerId: claims.sellerId })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'at+jwt' })
    .setIssuer(ISSUER)
    .setAudience(ACCESS_AUDIENCE)
    .setSubject(claims.userId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(await getKey('accessToken', 'private'));
  return { token, expiresAt };
}

/** Verifies an access token (gateway); null when invalid or expired. */
export async function verifyAccessToken(token: string): Promise<Extract<Identity, { kind: 'user' }> | null> {
  try {
    const { payload } = await jwtVerify(token, await getKey('accessToken', 'public'), {
      issuer: ISSUER,
      audience: ACCESS_AUDIENCE,
      algorithms: [ALGORITHM],
      typ: 'at+jwt',
    });
    if (!payload.sub) return null;
    return {
      kind: 'user',
      userId: payload.sub,
      roles: (payload.roles as Role[]) ?? [],
      sellerId: (payload.sellerId as string | null) ?? null,
    };
  } catch {
    return null;
  }
}

const isString = (value: unknown): value is string => typeof value === 'string';

/**
 * An identity a trusted caller named in plain form (the gateway, on a connection it authenticated
 * as our service); anything malformed is anonymous.
 */
export function parseIdentity(value: unknown): Identity {
  if (typeof value !== 'object' || value === null) return ANONYMOUS;
  const v = value as Record<string, unknown>;
  if (v.kind === 'user' && isString(v.userId) && Array.isArray(v.roles) && (v.sellerId === null || isString(v.sellerId))) {
    const roles = v.roles.filter((r): r is Role => ROLES.includes(r as Role));
    return { kind: 'user', userId: v.userId, roles, sellerId: v.sellerId };
  }
  if (v.kind === 'apiKey' && isString(v.keyId) && isString(v.sellerId) && Array.isArray(v.scopes)) {
    const scopes = v.scopes.filter((s): s is Scope => SCOPES.includes(s as Scope));
    return { kind: 'apiKey', keyId: v.keyId, sellerId: v.sellerId, scopes };
  }
  return ANONYMOUS;
}
