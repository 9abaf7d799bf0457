import { eq, sql } from 'drizzle-orm';
import { InputCheck, unauthenticated, uniqueViolation, userError, type UserError } from '@marketplace/runtime';
import type { UserErrorCode } from './__generated__/resolvers-types';
import { accessTokenFor } from './accounts';
import { db } from './db/client';
import { sellers, users } from './db/schema';

const becomeSellerFailure = (...userErrors: UserError<UserErrorCode>[]) => ({ seller: null, accessToken: null, userErrors });
const ALREADY_SELLER = becomeSellerFailure(userError('ALREADY_SELLER', 'You already have a store.'));
const STORE_NAME_TAKEN = becomeSellerFailure(userError('STORE_NAME_TAKEN', 'Another store already uses this name.', ['storeName']));

/**
 * Opens the user's store and adds SELLER to their roles in one transaction, then signs an access
 * token that carries both. One store per user and unique names (case-insensitively) are
 * constraints; the account row lock orders concurrent attempts by one user.
 */
export async function becomeSeller(userId: string, storeNameInput: string) {
  const check = new InputCheck<UserErrorCode>();
  const storeName = check.text(storeNameInput, ['storeName'], { min: 2, max: 80, label: 'Store name' });
  if (!check.ok) return becomeSellerFailure(...check.errors);

  let opened;
  try {
    opened = await db.transaction(async (tx) => {
      // Filtered by the bound id, not correlated: drizzle leaves select-list columns unqualified.
      const [account] = await tx
        .select({
          roles: users.roles,
          hasStore: sql<boolean>`exists (select 1 from ${sellers} where ${sellers.userId} = ${userId})`,
        })
        .from(users)
        .where(eq(users.id, userId))
        .for('update');
      if (!account) throw unauthenticated('This account no longer exists.');
      if (account.hasStore) return null;
      const [seller] = await tx.insert(sellers).values({ userId, storeName }).returning();
      const roles = account.roles.includes('SELLER') ? account.roles : [...account.roles, 'SELLER' as const];
      await tx.update(users).set({ roles }).where(eq(users.id, userId));
      return { seller: seller!, roles };
    });
  } catch (err) {
    const constraint = uniqueViolation(err);
    if (constraint === 'sellers_store_name_key') return STORE_NAME_TAKEN;
    if (constraint === 'sellers_user_key') return ALREADY_SELLER;
    throw err;
  }
  if (!opened) return ALREADY_SELLER;
  const { token } = await accessTokenFor({ id: userId, roles: opened.roles }, opened.seller.id);
  return { seller: opened.seller, accessToken: token, userErrors: [] };
}
