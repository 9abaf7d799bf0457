import { and, eq, gt, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { logger } from '@marketplace/runtime';
import { db, type Db, type Tx } from './db/client';
import { refreshTokens, sessions } from './db/schema';
import { randomSecret, secretHash } from './secrets';

const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** Longer than any token we issue (43 characters); anything longer is refused without hashing. */
const MAX_REFRESH_TOKEN_LENGTH = 256;

async function issueRefreshToken(tx: Db | Tx, sessionId: string): Promise<string> {
  const token = randomSecret();
  await tx.insert(refreshTokens).values({
    sessionId,
    tokenHash: secretHash(token),
    expiresAt: new Date(Date.now() + REFRESH_TOKEN_TTL_MS),
  });
  return token;
}

/** Opens a session for a sign-in (register, login) and returns its first refresh token. */
export async function startSession(tx: Tx, userId: string): Promise<string> {
  const [session] = await tx.insert(sessions).values({ userId }).returning({ id: sessions.id });
  return issueRefreshToken(tx, session!.id);
}

/**
 * Exchanges a refresh token for the next one of its session, once: marking it used is a single
 * conditional UPDATE, so of two concurrent exchanges exactly one wins. A token presented after it
 * was used means two parties hold it (one of them a thief), so the whole session is revoked.
 * Returns the session's user and the new token, or null when the token is not usable.
 */
export async function rotateRefreshToken(token: string): Promise<{ userId: string; refreshToken: string } | null> {
  if (token.length > MAX_REFRESH_TOKEN_LENGTH) return null;
  const tokenHash = secretHash(token);
  const rotated = await db.transaction(async (tx) => {
    const [used] = await tx
      .update(refreshTokens)
      .set({ usedAt: sql`now()` })
      .from(sessions)
      .where(
        and(
          eq(refreshTokens.tokenHash, tokenHash),
          isNull(refreshTokens.usedAt),
          gt(refreshTokens.expiresAt, sql`now()`),
          eq(sessions.id, refreshTokens.sessionId),
          isNull(sessions.revokedAt),
        ),
      )
      .returning({ sessionId: refreshTokens.sessionId, userId: sessions.userId });
    if (!used) return null;
    return { userId: used.userId, refreshToken: await issueRefreshToken(tx, used.sessionId) };
  });
  if (rotated) return rotated;

  const revoked = await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        isNull(sessions.revokedAt),
        inArray(
          sessions.id,
          db
            .select({ id: refreshTokens.sessionId })
            .from(refreshTokens)
            .where(and(eq(refreshTokens.tokenHash, tokenHash), isNotNull(refreshTokens.usedAt))),
        ),
      ),
    )
    .returning({ id: sessions.id, userId: sessions.userId });
  if (revoked.length) logger.warn({ sessionId: revoked[0]!.id, userId: revoked[0]!.userId }, 'refresh token reused; session revoked');
  return null;
}

/**
 * Ends the session a refresh token belongs to (every token of it). True when the presented
 * token was still usable, i.e. the caller was signed in with it.
 */
export async function revokeSessionOf(token: string): Promise<boolean> {
  if (token.length > MAX_REFRESH_TOKEN_LENGTH) return false;
  const [presented] = await db
    .select({
      sessionId: refreshTokens.sessionId,
      usable: sql<boolean>`${refreshTokens.usedAt} is null and ${refreshTokens.expiresAt} > now()`,
    })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, secretHash(token)));
  if (!presented) return false;
  const revoked = await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.id, presented.sessionId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return revoked.length > 0 && presented.usable;
}
