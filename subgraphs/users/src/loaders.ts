import DataLoader from 'dataloader';
import { desc } from 'drizzle-orm';
import { alignByKey, groupByKey, isAnyOf, isId, preparedStatement } from '@marketplace/runtime';
import type { Db } from './db/client';
import { addresses, apiKeys, sellers, users, wishlistItems } from './db/schema';

// Each hop's statement, built once per database: `ids` is the batch's keys.
const usersByIds = preparedStatement((db: Db) => db.select().from(users).where(isAnyOf(users.id, 'ids')).prepare('users:usersByIds'));
const sellersByIds = preparedStatement((db: Db) => db.select().from(sellers).where(isAnyOf(sellers.id, 'ids')).prepare('users:sellersByIds'));
const sellersOfUsers = preparedStatement((db: Db) =>
  db.select().from(sellers).where(isAnyOf(sellers.userId, 'ids')).prepare('users:sellersOfUsers'),
);
const addressesOfUsers = preparedStatement((db: Db) =>
  db
    .select()
    .from(addresses)
    .where(isAnyOf(addresses.userId, 'ids'))
    .orderBy(desc(addresses.isDefault), desc(addresses.createdAt), desc(addresses.id))
    .prepare('users:addressesOfUsers'),
);
const wishlistsOfUsers = preparedStatement((db: Db) =>
  db
    .select({ userId: wishlistItems.userId, productId: wishlistItems.productId })
    .from(wishlistItems)
    .where(isAnyOf(wishlistItems.userId, 'ids'))
    .orderBy(desc(wishlistItems.createdAt), desc(wishlistItems.productId))
    .prepare('users:wishlistsOfUsers'),
);
const apiKeysOfSellers = preparedStatement((db: Db) =>
  db
    .select()
    .from(apiKeys)
    .where(isAnyOf(apiKeys.sellerId, 'ids'))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
    .prepare('users:apiKeysOfSellers'),
);

/** Per-request batch loaders: one query per hop, however many users or stores a response lists. */
export function createLoaders(db: Db) {
  return {
    userById: new DataLoader(async (keys: readonly string[]) => {
      const ids = keys.filter(isId);
      const rows = ids.length ? await usersByIds(db).execute({ ids }) : [];
      return alignByKey(keys, rows, (r) => r.id);
    }),
    sellerById: new DataLoader(async (keys: readonly string[]) => {
      const ids = keys.filter(isId);
      const rows = ids.length ? await sellersByIds(db).execute({ ids }) : [];
      return alignByKey(keys, rows, (r) => r.id);
    }),
    sellerByUserId: new DataLoader(async (userIds: readonly string[]) => {
      const rows = await sellersOfUsers(db).execute({ ids: userIds });
      return alignByKey(userIds, rows, (r) => r.userId);
    }),
    /** Default first, then newest. */
    addressesByUserId: new DataLoader(async (userIds: readonly string[]) => {
      const rows = await addressesOfUsers(db).execute({ ids: userIds });
      return groupByKey(userIds, rows, (r) => r.userId);
    }),
    /** Product ids, most recently added first. */
    wishlistByUserId: new DataLoader(async (userIds: readonly string[]) => {
      const rows = await wishlistsOfUsers(db).execute({ ids: userIds });
      return groupByKey(userIds, rows, (r) => r.userId).map((items) => items.map((i) => i.productId));
    }),
    /** Newest first. */
    apiKeysBySellerId: new DataLoader(async (sellerIds: readonly string[]) => {
      const rows = await apiKeysOfSellers(db).execute({ ids: sellerIds });
      return groupByKey(sellerIds, rows, (r) => r.sellerId);
    }),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
