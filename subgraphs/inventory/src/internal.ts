import { isId, mountInternalRoutes, type HttpApp } from '@marketplace/runtime';
import { db } from './db/client';
import { commitReservation, releaseReservation, reserveStock, restockReturned, shipReservedStock } from './reservations';
import { availableByVariant, stockSnapshot } from './stock';

/** Operations other subgraphs call (contracts in runtime's internal-api.ts). */
export function mountInternal(app: HttpApp): void {
  mountInternalRoutes<'inventory'>(app, {
    /** One query for any number of variants; variants never stocked (or unknown) have 0. */
    availability: async ({ variantIds }) => {
      const available = await availableByVariant(db, [...new Set(variantIds.filter(isId))]);
      return variantIds.map((variantId) => ({ variantId, available: available.get(variantId) ?? 0 }));
    },
    reserveStock,
    commitReservation,
    releaseReservation,
    shipReservedStock,
    restockReturned,
    stockSnapshot: ({ afterVariantId, limit }) => stockSnapshot(db, isId(afterVariantId) ? afterVariantId : null, limit),
  });
}
