import { and, desc, eq, sql } from 'drizzle-orm';
import { callInternal, isId, unauthenticated, userError, type UserError } from '@marketplace/runtime';
import type { UserErrorCode } from './__generated__/resolvers-types';
import { db, type Db, type Tx } from './db/client';
import { users, wishlistItems } from './db/schema';

/** The wishlist is returned whole (it is not a connection), so it is bounded. */
export const MAX_WISHLIST_ITEMS = 500;

const wishlistFailure = (...userErrors: UserError<UserErrorCode>[]) => ({ wishlist: null, userErrors });
const NOT_FOUND = wishlistFailure(userError('NOT_FOUND', 'No such product.', ['productId']));

/** The wishlist as `Product` stubs, most recently added first. */
async function wishlistOf(tx: Db | Tx, userId: string) {
  return tx
    .select({ id: wishlistItems.productId })
    .from(wishlistItems)
    .where(eq(wishlistItems.userId, userId))
    .orderBy(desc(wishlistItems.createdAt), desc(wishlistItems.productId));
}

export async function addToWishlist(userId: string, productId: string) {
  if (!isId(productId)) return NOT_FOUND;
  // Only products shoppers can see may be saved; the catalog belongs to products.
  const found = await callInternal('products', 'productsByIds', { ids: [productId] });
  if (found.find((p) => p.id === productId)?.status !== 'ACTIVE') return NOT_FOUND;

  return db.transaction(async (tx) => {
    // The account row lock makes the size limit hold under concurrent adds.
    // Filtered by the bound id, not correlated: drizzle leaves select-list columns unqualified.
    const [owner] = await tx
      .select({
        itemCount: sql<number>`(select count(*)::int from ${wishlistItems} where ${wishlistItems.userId} = ${userId})`,
        alreadySaved: sql<boolean>`exists (select 1 from ${wishlistItems} where ${wishlistItems.userId} = ${userId} and ${wishlistItems.productId} = ${productId})`,
      })
      .from(users)
      .where(eq(users.id, userId))
      .for('update');
    if (!owner) throw unauthenticated('This account no longer exists.');
    if (!owner.alreadySaved) {
      if (owner.itemCount >= MAX_WISHLIST_ITEMS) {
        return wishlistFailure(userError('INVALID_INPUT', `A wishlist holds at most ${MAX_WISHLIST_ITEMS} products; remove one first.`, ['productId']));
      }
      await tx.insert(wishlistItems).values({ userId, productId }).onConflictDoNothing();
    }
    return { wishlist: await wishlistOf(tx, userId), userErrors: [] };
  });
}

/** Removing a product that is not in the wishlist changes nothing and is not an error. */
export async function removeFromWishlist(userId: string, productId: string) {
  if (isId(productId)) {
    await db.delete(wishlistItems).where(and(eq(wishlistItems.userId, userId), eq(wishlistItems.productId, productId)));
  }
  return { wishlist: await wishlistOf(db, userId), userErrors: [] };
}
