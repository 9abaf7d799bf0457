import { eq, sql } from 'drizzle-orm';
import { InputCheck, isProduction, logger, setting } from '@marketplace/runtime';
import type { UserErrorCode } from './__generated__/resolvers-types';
import { checkCredentials } from './accounts';
import { db } from './db/client';
import { users } from './db/schema';
import { hashPassword, verifyPassword } from './passwords';

const DEVELOPMENT_EMAIL = 'admin@marketplace.local';
const DEVELOPMENT_PASSWORD = 'admin-password';

function operatorCredentials(): { email: string; password: string } {
  const email = setting('ADMIN_EMAIL');
  const password = setting('ADMIN_PASSWORD');
  if (email && password) return { email, password };
  if (isProduction()) throw new Error('ADMIN_EMAIL and ADMIN_PASSWORD must be set in production');
  logger.warn({ email: email ?? DEVELOPMENT_EMAIL }, 'ADMIN_EMAIL/ADMIN_PASSWORD not set; using the development operator account');
  return { email: email ?? DEVELOPMENT_EMAIL, password: password ?? DEVELOPMENT_PASSWORD };
}

/**
 * Makes sure the operator account from ADMIN_EMAIL / ADMIN_PASSWORD exists with the ADMIN role and
 * that password. Idempotent, and safe when several processes run it at once: an existing account
 * keeps its id and data, and its password hash is only rewritten when the password changed.
 */
export async function ensureOperator(): Promise<void> {
  const credentials = operatorCredentials();
  const check = new InputCheck<UserErrorCode>();
  const email = checkCredentials(check, credentials.email, credentials.password, { email: ['ADMIN_EMAIL'], password: ['ADMIN_PASSWORD'] });
  if (!check.ok) throw new Error(`Operator account: ${check.errors.map((e) => `${e.field}: ${e.message}`).join(' ')}`);

  const [created] = await db
    .insert(users)
    .values({ email, passwordHash: await hashPassword(credentials.password), name: 'Marketplace operator', roles: ['CUSTOMER', 'ADMIN'] })
    .onConflictDoNothing()
    .returning({ id: users.id });
  if (created) {
    logger.info({ userId: created.id, email }, 'operator account created');
    return;
  }

  const [existing] = await db.select().from(users).where(sql`lower(${users.email}) = ${email}`);
  if (!existing) throw new Error(`Operator account ${email} could be neither created nor found`);
  if (!existing.roles.includes('ADMIN')) {
    await db
      .update(users)
      .set({ roles: sql`array_append(${users.roles}, 'ADMIN')` })
      .where(sql`${users.id} = ${existing.id} and not ('ADMIN' = any(${users.roles}))`);
    logger.info({ userId: existing.id, email }, 'operator account granted ADMIN');
  }
  if (!(await verifyPassword(existing.passwordHash, credentials.password))) {
    await db.update(users).set({ passwordHash: await hashPassword(credentials.password) }).where(eq(users.id, existing.id));
    logger.info({ userId: existing.id, email }, 'operator password reset from ADMIN_PASSWORD');
  }
}
