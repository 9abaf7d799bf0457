import { callInternal, unauthenticated, verifyAccessToken, ANONYMOUS, type Identity } from '@marketplace/runtime';
import { GraphQLError } from 'graphql';

/** Seller API key secrets start with this; anything else in `Authorization: Bearer` is an access token. */
const API_KEY_PREFIX = 'mk_';

function refuse(message: string): GraphQLError {
  const error = unauthenticated(message);
  error.extensions.http = { status: 401 };
  return error;
}

/**
 * Who the caller is, from `Authorization: Bearer <access token | API key secret>`. No header is
 * anonymous; a header that does not verify is refused outright rather than downgraded, so a client
 * with an expired token learns it must refresh.
 */
export async function authenticate(authorization: string | undefined): Promise<Identity> {
  if (!authorization) return ANONYMOUS;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match) throw refuse('Authorization must be "Bearer <token>".');
  const token = match[1]!;

  if (token.startsWith(API_KEY_PREFIX)) {
    // Asked on every request, never cached: a revoked key must stop working at once.
    const key = await callInternal('users', 'verifyApiKey', { secret: token });
    if (!key) throw refuse('This API key is not valid or was revoked.');
    return { kind: 'apiKey', keyId: key.keyId, sellerId: key.sellerId, scopes: key.scopes };
  }
  const user = await verifyAccessToken(token);
  if (!user) throw refuse('The access token is not valid or has expired.');
  return user;
}
