import { isId, mountInternalRoutes, type HttpApp } from '@marketplace/runtime';
import { and, arrayContains, eq, inArray } from 'drizzle-orm';
import { verifyApiKey } from './api-keys';
import { db } from './db/client';
import { addresses, sellers, users } from './db/schema';

/** Operations other services call (contracts in runtime's internal-api.ts). */
export function mountInternal(app: HttpApp): void {
  mountInternalRoutes<'users'>(app, {
    verifyApiKey: ({ secret }) => verifyApiKey(secret),
    addressOf: async ({ userId, addressId }) => {
      if (!isId(userId) || !isId(addressId)) return null;
      const [row] = await db
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
        .where(and(eq(addresses.id, addressId), eq(addresses.userId, userId)));
      return row ?? null;
    },
    contacts: async ({ userIds }) => {
      const ids = userIds.filter(isId);
      if (ids.length === 0) return [];
      return db.select({ userId: users.id, email: users.email, name: users.name }).from(users).where(inArray(users.id, ids));
    },
    sellerContacts: async ({ sellerIds }) => {
      const ids = sellerIds.filter(isId);
      if (ids.length === 0) return [];
      return db
        .select({ sellerId: sellers.id, storeName: sellers.storeName, userId: users.id, email: users.email, name: users.name })
        .from(sellers)
        .innerJoin(users, eq(users.id, sellers.userId))
        .where(inArray(sellers.id, ids));
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
