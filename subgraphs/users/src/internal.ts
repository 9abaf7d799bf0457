import { isAnyOf, isId, mountInternalRoutes, preparedStatement, type HttpApp } from '@marketplace/runtime';
import { and, arrayContains, eq, inArray, sql } from 'drizzle-orm';
import { verifyApiKey } from './api-keys';
import { db, type Db } from './db/client';
import { addresses, sellers, users } from './db/schema';

// Asked by every checkout (the address) and for every notification sent (contacts): built once.
const shippingAddress = preparedStatement((database: Db) =>
  database
    .select({
      fullName: addresses.fullName,
      line1: addresses.line1,
      line2: addresses.line2,
      city: addresses.city,
      region: addresses.region,
      postalCode: addresses.postalCode,
      country: addresses.country,
    })
    .from(addresses)
    .where(and(eq(addresses.id, sql.placeholder('addressId')), eq(addresses.userId, sql.placeholder('userId'))))
    .prepare('users:shippingAddress'),
);
const contactsOfUsers = preparedStatement((database: Db) =>
  database.select({ userId: users.id, email: users.email, name: users.name }).from(users).where(isAnyOf(users.id, 'ids')).prepare('users:contactsOfUsers'),
);
const contactsOfSellers = preparedStatement((database: Db) =>
  database
    .select({ sellerId: sellers.id, storeName: sellers.storeName, userId: users.id, email: users.email, name: users.name })
    .from(sellers)
    .innerJoin(users, eq(users.id, sellers.userId))
    .where(isAnyOf(sellers.id, 'ids'))
    .prepare('users:contactsOfSellers'),
);

/** Operations other services call (contracts in runtime's internal-api.ts). */
export function mountInternal(app: HttpApp): void {
  mountInternalRoutes<'users'>(app, {
    verifyApiKey: ({ secret }) => verifyApiKey(secret),
    addressOf: async ({ userId, addressId }) => {
      if (!isId(userId) || !isId(addressId)) return null;
      const [row] = await shippingAddress(db).execute({ addressId, userId });
      return row ?? null;
    },
    contacts: async ({ userIds }) => {
      const ids = userIds.filter(isId);
      if (ids.length === 0) return [];
      return contactsOfUsers(db).execute({ ids });
    },
    sellerContacts: async ({ sellerIds }) => {
      const ids = sellerIds.filter(isId);
      if (ids.length === 0) return [];
      return contactsOfSellers(db).execute({ ids });
    },
    operatorContacts: () =>
      db.select({ userId: users.id, email: users.email, name: users.name }).from(users).where(arrayContains(users.roles, ['ADMIN'])),
    storeNames: async ({ sellerIds }) => {
      const ids = sellerIds.filter(isId);
      if (ids.length === 0) return [];
      return db.select({ sellerId: sellers.id, storeName: sellers.storeName }).from(sellers).where(inArray(sellers.id, ids));
    },
  });
}
