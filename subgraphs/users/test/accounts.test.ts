import { startSubgraph, verifyAccessToken, type RunningServer } from '@marketplace/runtime';
import { subgraphRequest } from '@marketplace/runtime/testing';
import { eq, sql } from 'drizzle-orm';
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../src/db/client';
import { refreshTokens, users as usersTable } from '../src/db/schema';
import { ensureOperator, users } from '../src/index';
import { LOGIN_ATTEMPTS } from '../src/login-attempts';
import { BECOME_SELLER, codes, LOGIN, PASSWORD, REFRESH, REGISTER, registerAccount, uniqueEmail } from './support';

let server: RunningServer;
beforeAll(async () => {
  server = await startSubgraph(users, { port: 0 });
});
afterAll(() => server.stop());

const request = (query: string, variables: Record<string, unknown> = {}) => subgraphRequest(server.url, query, variables);
const refresh = async (refreshToken: string) => (await request(REFRESH, { refreshToken })).data!.refreshSession;
const LOGOUT = `mutation ($refreshToken: String!) { logout(refreshToken: $refreshToken) }`;
const logout = async (refreshToken: string) => (await request(LOGOUT, { refreshToken })).data!.logout as boolean;

describe('register', () => {
  it('creates a customer, signs it in, and stores only an argon2id hash of the password', async () => {
    const email = uniqueEmail();
    const res = await request(REGISTER, { input: { email: `  ${email.toUpperCase()} `, password: PASSWORD, name: ' Ada ' } });
    expect(res.errors).toBeUndefined();
    const payload = res.data!.register;
    expect(payload.userErrors).toEqual([]);
    expect(payload.user).toEqual({ id: expect.any(String), email, name: 'Ada', roles: ['CUSTOMER'] });
    expect(payload.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Date(payload.accessTokenExpiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(await verifyAccessToken(payload.accessToken)).toEqual({ kind: 'user', userId: payload.user.id, roles: ['CUSTOMER'], sellerId: null });

    const [row] = await db.select().from(usersTable).where(eq(usersTable.id, payload.user.id));
    expect(row!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row!.passwordHash).not.toContain(PASSWORD);
  });

  it('refuses an email that is taken, compared case-insensitively', async () => {
    const { email } = await registerAccount(server.url);
    const res = await request(REGISTER, { input: { email: email.toUpperCase(), password: PASSWORD, name: 'Copycat' } });
    expect(res.data!.register).toMatchObject({ accessToken: null, user: null, userErrors: [{ code: 'EMAIL_TAKEN', field: ['input', 'email'] }] });
  });

  it('reports every invalid field at once, with its code, and creates nothing', async () => {
    const email = uniqueEmail();
    const cases: [Record<string, string>, { code: string; field: string[] }[]][] = [
      [{ email: 'not-an-email', password: 'short', name: '' }, [
        { code: 'INVALID_EMAIL', field: ['input', 'email'] },
        { code: 'WEAK_PASSWORD', field: ['input', 'password'] },
        { code: 'INVALID_INPUT', field: ['input', 'name'] },
      ]],
      [{ email: `${'a'.repeat(250)}@x.io`, password: 'p'.repeat(129), name: 'n'.repeat(101) }, [
        { code: 'TOO_LONG', field: ['input', 'email'] },
        { code: 'TOO_LONG', field: ['input', 'password'] },
        { code: 'TOO_LONG', field: ['input', 'name'] },
      ]],
      [{ email, password: '1234567', name: 'Ada' }, [{ code: 'WEAK_PASSWORD', field: ['input', 'password'] }]],
    ];
    for (const [input, expected] of cases) {
      const payload = (await request(REGISTER, { input })).data!.register;
      expect(payload.userErrors.map(({ code, field }: { code: string; field: string[] }) => ({ code, field }))).toEqual(expected);
      expect(payload.user).toBeNull();
    }
    // The last case failed on the password alone: the email is still free.
    const ok = (await request(REGISTER, { input: { email, password: '12345678', name: 'Ada' } })).data!.register;
    expect(ok.userErrors).toEqual([]);
  });
});

describe('login', () => {
  it('signs in with the email in any case and answers the same error for a wrong password and an unknown email', async () => {
    const account = await registerAccount(server.url);
    const ok = (await request(LOGIN, { email: ` ${account.email.toUpperCase()}`, password: PASSWORD })).data!.login;
    expect(ok.userErrors).toEqual([]);
    expect(ok.user).toMatchObject({ id: account.userId, email: account.email, roles: ['CUSTOMER'] });

    const wrongPassword = (await request(LOGIN, { email: account.email, password: 'not the password' })).data!.login;
    const unknownEmail = (await request(LOGIN, { email: uniqueEmail(), password: PASSWORD })).data!.login;
    expect(wrongPassword).toEqual({ accessToken: null, accessTokenExpiresAt: null, refreshToken: null, user: null, userErrors: [expect.objectContaining({ code: 'INVALID_CREDENTIALS' })] });
    expect(unknownEmail).toEqual(wrongPassword);
  });
});

describe('sign-in attempts', () => {
  /** What one sign-in came to: its userError code, `RATE_LIMITED`, or `OK`. */
  const attempt = async (email: string, password: string) => {
    const res = await request(LOGIN, { email, password });
    if (res.errors) return res.errors[0]!.extensions!.code as string;
    return (res.data!.login.userErrors[0]?.code as string | undefined) ?? 'OK';
  };

  it(`refuses an account after ${LOGIN_ATTEMPTS} attempts, even with its password, and no other account`, async () => {
    const [account, other] = await Promise.all([registerAccount(server.url), registerAccount(server.url)]);
    for (let i = 0; i < LOGIN_ATTEMPTS; i++) expect(await attempt(account.email, 'a guess')).toBe('INVALID_CREDENTIALS');
    const refused = await request(LOGIN, { email: account.email.toUpperCase(), password: PASSWORD });
    expect(refused.errors?.[0]).toMatchObject({ message: 'Too many sign-in attempts for this account; try again in 15 minutes.', extensions: { code: 'RATE_LIMITED' } });
    expect(await attempt(other.email, PASSWORD)).toBe('OK');
    // Unknown emails count the same way, so the answer says nothing of which emails have accounts.
    const unknown = uniqueEmail();
    for (let i = 0; i < LOGIN_ATTEMPTS; i++) expect(await attempt(unknown, 'a guess')).toBe('INVALID_CREDENTIALS');
    expect(await attempt(unknown, 'a guess')).toBe('RATE_LIMITED');
  });

  it('checks no more passwords than the limit when guesses arrive at once', async () => {
    const account = await registerAccount(server.url);
    const outcomes = await Promise.all(Array.from({ length: 3 * LOGIN_ATTEMPTS }, () => attempt(account.email, 'a guess')));
    expect(outcomes.filter((o) => o === 'INVALID_CREDENTIALS')).toHaveLength(LOGIN_ATTEMPTS);
    expect(outcomes.filter((o) => o === 'RATE_LIMITED')).toHaveLength(2 * LOGIN_ATTEMPTS);
  });

  it('forgets the attempts made at an email before its account was registered', async () => {
    const email = uniqueEmail();
    for (let i = 0; i < LOGIN_ATTEMPTS; i++) expect(await attempt(email, PASSWORD)).toBe('INVALID_CREDENTIALS');
    const registered = await request(REGISTER, { input: { email, password: PASSWORD, name: 'Late' } });
    expect(registered.data!.register.userErrors).toEqual([]);
    expect(await attempt(email, PASSWORD)).toBe('OK');
  });

  it("forgets an account's failed attempts once it signs in", async () => {
    const account = await registerAccount(server.url);
    for (let i = 0; i < LOGIN_ATTEMPTS - 1; i++) expect(await attempt(account.email, 'a typo')).toBe('INVALID_CREDENTIALS');
    expect(await attempt(account.email, PASSWORD)).toBe('OK');
    for (let i = 0; i < LOGIN_ATTEMPTS - 1; i++) expect(await attempt(account.email, 'a typo')).toBe('INVALID_CREDENTIALS');
    expect(await attempt(account.email, PASSWORD)).toBe('OK');
  });
});

describe('refresh tokens', () => {
  it('rotate on every use and are stored only as SHA-256 hashes', async () => {
    const account = await registerAccount(server.url);
    const stored = await db.select({ tokenHash: refreshTokens.tokenHash }).from(refreshTokens).where(eq(refreshTokens.tokenHash, account.refreshToken));
    expect(stored).toEqual([]);
    const hash = createHash('sha256').update(account.refreshToken).digest('hex');
    expect(await db.select({ id: refreshTokens.id }).from(refreshTokens).where(eq(refreshTokens.tokenHash, hash))).toHaveLength(1);

    const first = await refresh(account.refreshToken);
    expect(first.userErrors).toEqual([]);
    expect(first.user.id).toBe(account.userId);
    expect(first.refreshToken).not.toBe(account.refreshToken);
    const second = await refresh(first.refreshToken);
    expect(second.userErrors).toEqual([]);
  });

  it('treat a reused token as theft: refused, and the whole session ends', async () => {
    const account = await registerAccount(server.url);
    const rotated = await refresh(account.refreshToken);
    expect(codes(await refresh(account.refreshToken))).toEqual(['INVALID_REFRESH_TOKEN']);
    // The token the legitimate holder got from the rotation is dead too.
    expect(codes(await refresh(rotated.refreshToken))).toEqual(['INVALID_REFRESH_TOKEN']);
    // Other sessions of the account are untouched.
    const other = (await request(LOGIN, { email: account.email, password: PASSWORD })).data!.login;
    expect(codes(await refresh(other.refreshToken))).toEqual([]);
  });

  it('work once when the same token is sent concurrently', async () => {
    const account = await registerAccount(server.url);
    const results = await Promise.all(Array.from({ length: 8 }, () => refresh(account.refreshToken)));
    const succeeded = results.filter((r) => r.accessToken);
    expect(succeeded).toHaveLength(1);
    expect(results.filter((r) => codes(r)[0] === 'INVALID_REFRESH_TOKEN')).toHaveLength(7);
  });

  it('expire', async () => {
    const account = await registerAccount(server.url);
    const hash = createHash('sha256').update(account.refreshToken).digest('hex');
    await db.update(refreshTokens).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(refreshTokens.tokenHash, hash));
    expect(codes(await refresh(account.refreshToken))).toEqual(['INVALID_REFRESH_TOKEN']);
  });

  it("issue access tokens with the account's current roles and store", async () => {
    const account = await registerAccount(server.url);
    const opened = await subgraphRequest(server.url, BECOME_SELLER, { storeName: `Shop ${randomUUID()}` }, account.identity);
    const sellerId = opened.data!.becomeSeller.seller.id;
    // The refresh token predates the store; the access token it yields does not.
    const refreshed = await refresh(account.refreshToken);
    expect(await verifyAccessToken(refreshed.accessToken)).toEqual({ kind: 'user', userId: account.userId, roles: ['CUSTOMER', 'SELLER'], sellerId });
  });

  it('refuse garbage', async () => {
    expect(codes(await refresh('not-a-token'))).toEqual(['INVALID_REFRESH_TOKEN']);
    expect(codes(await refresh('x'.repeat(10_000)))).toEqual(['INVALID_REFRESH_TOKEN']);
  });
});

describe('logout', () => {
  it('ends the session: true when the token was active, false afterwards and for unknown tokens', async () => {
    const account = await registerAccount(server.url);
    expect(await logout(account.refreshToken)).toBe(true);
    expect(codes(await refresh(account.refreshToken))).toEqual(['INVALID_REFRESH_TOKEN']);
    expect(await logout(account.refreshToken)).toBe(false);
    expect(await logout('never-issued')).toBe(false);
  });

  it('with an already rotated token still ends the session', async () => {
    const account = await registerAccount(server.url);
    const rotated = await refresh(account.refreshToken);
    expect(await logout(account.refreshToken)).toBe(false);
    expect(codes(await refresh(rotated.refreshToken))).toEqual(['INVALID_REFRESH_TOKEN']);
  });
});

describe('ensureOperator', () => {
  const withOperatorEnv = async (email: string, password: string) => {
    const saved = { email: process.env.ADMIN_EMAIL, password: process.env.ADMIN_PASSWORD };
    process.env.ADMIN_EMAIL = email;
    process.env.ADMIN_PASSWORD = password;
    try {
      await ensureOperator();
    } finally {
      process.env.ADMIN_EMAIL = saved.email;
      process.env.ADMIN_PASSWORD = saved.password;
      if (saved.email === undefined) delete process.env.ADMIN_EMAIL;
      if (saved.password === undefined) delete process.env.ADMIN_PASSWORD;
    }
  };
  const loginAs = async (email: string, password: string) => (await request(LOGIN, { email, password })).data!.login;

  it('creates the operator once, and follows a changed password', async () => {
    const email = uniqueEmail();
    await Promise.all([withOperatorEnv(email, 'operator-secret-1'), withOperatorEnv(email, 'operator-secret-1')]);
    await withOperatorEnv(email, 'operator-secret-1');
    const rows = await db.select().from(usersTable).where(eq(usersTable.email, email));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.roles).toEqual(['CUSTOMER', 'ADMIN']);
    const signedIn = await loginAs(email, 'operator-secret-1');
    expect(await verifyAccessToken(signedIn.accessToken)).toMatchObject({ roles: ['CUSTOMER', 'ADMIN'] });

    // Unchanged password: the hash is left alone.
    await withOperatorEnv(email, 'operator-secret-1');
    const [unchanged] = await db.select().from(usersTable).where(eq(usersTable.email, email));
    expect(unchanged!.passwordHash).toBe(rows[0]!.passwordHash);

    await withOperatorEnv(email, 'operator-secret-2');
    expect(codes(await loginAs(email, 'operator-secret-1'))).toEqual(['INVALID_CREDENTIALS']);
    expect(codes(await loginAs(email, 'operator-secret-2'))).toEqual([]);
  });

  it('grants ADMIN to an existing account with that email, keeping the account', async () => {
    const account = await registerAccount(server.url);
    await withOperatorEnv(account.email.toUpperCase(), PASSWORD);
    const [row] = await db.select().from(usersTable).where(eq(usersTable.id, account.userId));
    expect(row!.roles).toEqual(['CUSTOMER', 'ADMIN']);
  });

  it('refuses an unusable password', async () => {
    await expect(withOperatorEnv(uniqueEmail(), 'short')).rejects.toThrow(/ADMIN_PASSWORD/);
  });
});
