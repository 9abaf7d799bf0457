import { and, eq, isNull, sql } from 'drizzle-orm';
import { forbidden, InputCheck, isId, SCOPES, userError, type Scope, type UserError } from '@marketplace/runtime';
import type { UserErrorCode } from './__generated__/resolvers-types';
import { db } from './db/client';
import { apiKeys, sellers } from './db/schema';
import { randomSecret, secretHash } from './secrets';

/** Secrets start with this, so the gateway can tell a key from an access token. */
const SECRET_PREFIX = 'mk_';
/** How much of the secret is kept in clear, for its owner to recognise it. */
const SHOWN_PREFIX_LENGTH = 12;
/** Longer than any secret we issue (46 characters); anything longer is refused without hashing. */
const MAX_SECRET_LENGTH = 100;
export const MAX_ACTIVE_KEYS_PER_STORE = 50;
/** `lastUsedAt` is precise to this much: at most one write per key per interval, not one per request. */
const LAST_USED_PRECISION = '1 minute';

const apiKeyFailure = (...userErrors: UserError<UserErrorCode>[]) => ({ apiKey: null, secret: null, userErrors });

export async function createApiKey(sellerId: string, nameInput: string, scopesInput: readonly Scope[]) {
  const check = new InputCheck<UserErrorCode>();
  const name = check.text(nameInput, ['name'], { max: 100, label: 'Name' });
  if (scopesInput.length === 0) check.add('INVALID_INPUT', 'Choose at least one scope.', ['scopes']);
  if (!check.ok) return apiKeyFailure(...check.errors);
  const scopes = SCOPES.filter((s) => scopesInput.includes(s));

  const secret = `${SECRET_PREFIX}${randomSecret()}`;
  return db.transaction(async (tx) => {
    // The store row lock makes the limit on active keys hold under concurrent creations.
    // Filtered by the bound id, not correlated: drizzle leaves select-list columns unqualified.
    const [store] = await tx
      .select({
        activeKeys: sql<number>`(select count(*)::int from ${apiKeys} where ${apiKeys.sellerId} = ${sellerId} and ${apiKeys.revokedAt} is null)`,
      })
      .from(sellers)
      .where(eq(sellers.id, sellerId))
      .for('update');
    if (!store) throw forbidden('This store does not exist.');
    if (store.activeKeys >= MAX_ACTIVE_KEYS_PER_STORE) {
      return apiKeyFailure(userError('INVALID_INPUT', `A store may have at most ${MAX_ACTIVE_KEYS_PER_STORE} active API keys; revoke one first.`));
    }
    const [apiKey] = await tx
      .insert(apiKeys)
      .values({ sellerId, name, scopes, prefix: secret.slice(0, SHOWN_PREFIX_LENGTH), secretHash: secretHash(secret) })
      .returning();
    return { apiKey, secret, userErrors: [] };
  });
}

/** Revokes one of the store's keys; revoking a revoked key keeps its first revocation time. */
export async function revokeApiKey(sellerId: string, id: string) {
  const notFound = { apiKey: null, userErrors: [userError('NOT_FOUND', 'No such API key.', ['id'])] };
  if (!isId(id)) return notFound;
  const [key] = await db.select({ sellerId: apiKeys.sellerId }).from(apiKeys).where(eq(apiKeys.id, id));
  if (!key) return notFound;
  if (key.sellerId !== sellerId) throw forbidden('This API key belongs to another store.');
  const [apiKey] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
    .where(eq(apiKeys.id, id))
    .returning();
  return { apiKey, userErrors: [] };
}

/** The active key a secret belongs to (the gateway asks on every request that presents one). */
export async function verifyApiKey(secret: unknown): Promise<{ keyId: string; sellerId: string; scopes: Scope[] } | null> {
  if (typeof secret !== 'string' || !secret.startsWith(SECRET_PREFIX) || secret.length > MAX_SECRET_LENGTH) return null;
  const [key] = await db
    .select({
      id: apiKeys.id,
      sellerId: apiKeys.sellerId,
      scopes: apiKeys.scopes,
      stale: sql<boolean>`${apiKeys.lastUsedAt} is null or ${apiKeys.lastUsedAt} < now() - ${LAST_USED_PRECISION}::interval`,
    })
    .from(apiKeys)
    .where(and(eq(apiKeys.secretHash, secretHash(secret)), isNull(apiKeys.revokedAt)));
  if (!key) return null;
  if (key.stale) {
    // Conditional, so concurrent requests of one key write once per interval.
    await db
      .update(apiKeys)
      .set({ lastUsedAt: sql`now()` })
      .where(
        and(
          eq(apiKeys.id, key.id),
          sql`(${apiKeys.lastUsedAt} is null or ${apiKeys.lastUsedAt} < now() - ${LAST_USED_PRECISION}::interval)`,
        ),
      );
  }
  return { keyId: key.id, sellerId: key.sellerId, scopes: key.scopes };
}
