import { isId, mountInternalRoutes, type HttpApp } from '@marketplace/runtime';
import { and, eq, inArray } from 'drizzle-orm';
import { verifyApiKey } from './api-keys';
import { db } from './db/client';
import { addresses, sellers } from './db/schema';

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
    storeNames: async ({ sellerIds }) => {
      const ids = sellerIds.filter(isId);
      if (ids.length === 0) return [];
      return db.select({ sellerId: sellers.id, storeName: sellers.storeName }).from(sellers).where(inArray(sellers.id, ids));
    },
  });
}
