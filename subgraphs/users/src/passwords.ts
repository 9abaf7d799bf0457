import { hash, verify, type Options } from '@node-rs/argon2';
import { setting } from '@marketplace/runtime';
import { randomSecret } from './secrets';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

// argon2id is the library's default algorithm (its `Algorithm` is a const enum, which isolated
// modules cannot reference). Production uses OWASP's argon2id baseline: 19 MiB, 2 passes.
const PRODUCTION_COST: Options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };
// Tests sign up hundreds of accounts; the hashes stay real argon2id, just cheap.
const TEST_COST: Options = { memoryCost: 1_024, timeCost: 1, parallelism: 1 };

function cost(): Options {
  return setting('PASSWORD_HASH_COST') === 'test' ? TEST_COST : PRODUCTION_COST;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, cost());
}

/** False for a wrong password and for a stored hash that cannot be parsed. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time of a real verification when no account matches, so a login's response time
 * does not tell unknown emails from wrong passwords.
 */
export async function verifyAgainstNothing(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomSecret());
  await verifyPassword(await dummyHash, password);
}

/** Length in characters as a person counts them (code points, not UTF-16 units). */
export function passwordLength(password: string): number {
  return [...password].length;
}
