import DataLoader from 'dataloader';
import { desc, inArray } from 'drizzle-orm';
import { alignByKey, groupByKey, isId } from '@marketplace/runtime';
import type { Db } from './db/client';
import { addresses, apiKeys, sellers, users, wishlistItems } from './db/schema';

/** Per-request batch loaders: one query per hop, however many users or stores a response lists. */
export function createLoaders(db: Db) {
  return {
    userById: new DataLoader(async (keys: readonly string[]) => {
      const ids = keys.filter(isId);
      const rows = ids.length ? await db.select().from(users).where(inArray(users.id, ids)) : [];
      return alignByKey(keys, rows, (r) => r.id);
    }),
    sellerById: new DataLoader(async (keys: readonly string[]) => {
      const ids = keys.filter(isId);
      const rows = ids.length ? await db.select().from(sellers).where(inArray(sellers.id, ids)) : [];
      return alignByKey(keys, rows, (r) => r.id);
    }),
    sellerByUserId: new DataLoader(async (userIds: readonly string[]) => {
      const rows = await db.select().from(sellers).where(inArray(sellers.userId, [...userIds]));
      return alignByKey(userIds, rows, (r) => r.userId);
    }),
    /** Default first, then newest. */
    addressesByUserId: new DataLoader(async (userIds: readonly string[]) => {
      const rows = await db
        .select()
        .from(addresses)
        .where(inArray(addresses.userId, [...userIds]))
        .orderBy(desc(addresses.isDefault), desc(addresses.createdAt), desc(addresses.id));
      return groupByKey(userIds, rows, (r) => r.userId);
    }),
    /** Product ids, most recently added first. */
    wishlistByUserId: new DataLoader(async (userIds: readonly string[]) => {
      const rows = await db
        .select({ userId: wishlistItems.userId, productId: wishlistItems.productId })
        .from(wishlistItems)
        .where(inArray(wishlistItems.userId, [...userIds]))
        .orderBy(desc(wishlistItems.createdAt), desc(wishlistItems.productId));
      return groupByKey(userIds, rows, (r) => r.userId).map((items) => items.map((i) => i.productId));
    }),
    /** Newest first. */
    apiKeysBySellerId: new DataLoader(async (sellerIds: readonly string[]) => {
      const rows = await db
        .select()
        .from(apiKeys)
        .where(inArray(apiKeys.sellerId, [...sellerIds]))
        .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
      return groupByKey(sellerIds, rows, (r) => r.sellerId);
    }),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
