import { actingSellerId, forbidden, liveEvents, type DomainEvent } from '@marketplace/runtime';
import type { SubscriptionResolvers } from '../__generated__/resolvers-types';
import type { Context } from '../context';
import type { LowStockAlertParent } from '../mappers';

/** What inventory records with `stock.changed` and `stock.low` (src/locked-stock.ts). */
interface StockEventPayload {
  variantId: string;
  productId: string;
  sellerId: string;
  available: number;
  lowStockThreshold: number;
}
const payloadOf = (event: DomainEvent) => event.payload as unknown as StockEventPayload;

export const Subscription: SubscriptionResolvers = {
  stockChanged: {
    subscribe: (_parent, { productId }, { resumeAfter }) =>
      liveEvents(['stock.changed'], { after: resumeAfter, matches: (event) => payloadOf(event).productId === productId }),
    // The variant's stock as it is now: a burst of changes ends on the latest figures.
    resolve: (event: DomainEvent, _args: unknown, { loaders }: Context) => loaders.stockByVariantId.load(payloadOf(event).variantId),
  },
  lowStockAlert: {
    subscribe: (_parent, _args, { identity, resumeAfter }) => {
      const sellerId = actingSellerId(identity, ['INVENTORY_READ']);
      if (!sellerId) throw forbidden('Low-stock alerts go to the store itself (or its keys with INVENTORY_READ).');
      return liveEvents(['stock.low'], { after: resumeAfter, matches: (event) => payloadOf(event).sellerId === sellerId });
    },
    resolve: (event: DomainEvent, _args: unknown, { identity }: Context): LowStockAlertParent => {
      const payload = payloadOf(event);
      if (actingSellerId(identity, ['INVENTORY_READ']) !== payload.sellerId) throw forbidden();
      return { variantId: payload.variantId, available: payload.available, threshold: payload.lowStockThreshold, at: new Date(event.occurredAt) };
    },
  },
};
