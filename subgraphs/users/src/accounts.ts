import { eq, sql } from 'drizzle-orm';
import { InputCheck, signAccessToken, uniqueViolation, userError, type UserError } from '@marketplace/runtime';
import type { RegisterInput, UserErrorCode } from './__generated__/resolvers-types';
import { db } from './db/client';
import { sellers, users, type UserRow } from './db/schema';
import {
  hashPassword,
  passwordLength,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  verifyAgainstNothing,
  verifyPassword,
} from './passwords';
import { clearLoginAttempts, countLoginAttempt } from './login-attempts';
import { revokeSessionOf, rotateRefreshToken, startSession } from './sessions';

export const NAME_MAX_LENGTH = 100;
const EMAIL_MAX_LENGTH = 254;

/** Email and password checks shared by sign-up and the operator account. */
export function checkCredentials(check: InputCheck<UserErrorCode>, email: string, password: string, fields: { email: string[]; password: string[] }): string {
  const normalized = check.email(email, fields.email);
  const length = passwordLength(password);
  if (length > PASSWORD_MAX_LENGTH) check.add('TOO_LONG', `The password must be at most ${PASSWORD_MAX_LENGTH} characters.`, fields.password);
  else if (length < PASSWORD_MIN_LENGTH) check.add('WEAK_PASSWORD', `The password must be at least ${PASSWORD_MIN_LENGTH} characters.`, fields.password);
  return normalized;
}

/** An account with the id of its store, if it opened one. */
function accounts() {
  return db.select({ user: users, sellerId: sellers.id }).from(users).leftJoin(sellers, eq(sellers.userId, users.id));
}

/** An access token for the account as it is now (roles, store). */
export function accessTokenFor(user: Pick<UserRow, 'id' | 'roles'>, sellerId: string | null) {
  return signAccessToken({ userId: user.id, roles: user.roles, sellerId });
}

function authFailure(...userErrors: UserError<UserErrorCode>[]) {
  return { accessToken: null, accessTokenExpiresAt: null, refreshToken: null, user: null, userErrors };
}

async function signedIn(user: UserRow, sellerId: string | null, refreshToken: string) {
  const { token, expiresAt } = await accessTokenFor(user, sellerId);
  return { accessToken: token, accessTokenExpiresAt: expiresAt, refreshToken, user, userErrors: [] };
}

export async function register(input: RegisterInput) {
  const check = new InputCheck<UserErrorCode>();
  const email = checkCredentials(check, input.email, input.password, { email: ['input', 'email'], password: ['input', 'password'] });
  const name = check.text(input.name, ['input', 'name'], { max: NAME_MAX_LENGTH, label: 'Name' });
  if (!check.ok) return authFailure(...check.errors);

  const passwordHash = await hashPassword(input.password);
  try {
    const { user, refreshToken } = await db.transaction(async (tx) => {
      const [user] = await tx.insert(users).values({ email, passwordHash, name }).returning();
      return { user: user!, refreshToken: await startSession(tx, user!.id) };
    });
    // Attempts made before the account existed were not against it.
    await clearLoginAttempts(user.email.toLowerCase());
    return signedIn(user, null, refreshToken);
  } catch (err) {
    if (uniqueViolation(err) === 'users_email_key') {
      return authFailure(userError('EMAIL_TAKEN', 'An account with this email already exists.', ['input', 'email']));
    }
    throw err;
  }
}

const INVALID_CREDENTIALS = authFailure(userError('INVALID_CREDENTIALS', 'The email or password is not correct.'));

export async function login(emailInput: string, password: string) {
  const email = emailInput.trim().toLowerCase();
  // No account has a longer email; nor is one counted (it would only make long keys).
  if (email.length <= EMAIL_MAX_LENGTH) await countLoginAttempt(email);
  const [account] = email.length <= EMAIL_MAX_LENGTH ? await accounts().where(sql`lower(${users.email}) = ${email}`) : [];
  if (!account) {
    await verifyAgainstNothing(password);
    return INVALID_CREDENTIALS;
  }
  if (!(await verifyPassword(account.user.passwordHash, password))) return INVALID_CREDENTIALS;
  await clearLoginAttempts(email);
  const refreshToken = await db.transaction((tx) => startSession(tx, account.user.id));
  return signedIn(account.user, account.sellerId, refreshToken);
}

export async function refreshSession(token: string) {
  const rotated = await rotateRefreshToken(token);
  if (!rotated) {
    return authFailure(userError('INVALID_REFRESH_TOKEN', 'This session has ended; sign in again.', ['refreshToken']));
  }
  // The new access token carries the account's current roles and store, not those of the last sign-in.
  const [account] = await accounts().where(eq(users.id, rotated.userId));
  return signedIn(account!.user, account!.sellerId, rotated.refreshToken);
}

export function logout(token: string): Promise<boolean> {
  return revokeSessionOf(token);
}
