import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: an unguessable bearer secret (refresh tokens, API keys). */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * How bearer secrets are stored and looked up. A fast hash is right here: the secrets are 256-bit
 * random values, so there is no dictionary to try, and lookups by hash stay a single index probe.
 */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
