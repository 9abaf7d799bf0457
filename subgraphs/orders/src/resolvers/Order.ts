import { money } from '@marketplace/runtime';
import type { OrderResolvers } from '../__generated__/resolvers-types';
import { orderAsSeenBy } from '../access';
import type { Loaders } from '../loaders';
import type { OrderParent } from '../mappers';

/**
 * The sum of the lines the viewer sees. A store sees the amounts of its own lines only: the
 * order's whole subtotal would tell it what the other stores sold.
 */
async function subtotalSeen(o: OrderParent, loaders: Loaders): Promise<number> {
  if (!o.viewerSellerId) return o.subtotal;
  const lines = await loaders.linesByOrderId.load(o.id);
  return lines.filter((l) => l.sellerId === o.viewerSellerId).reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
}

export const Order: OrderResolvers = {
  __resolveReference: async (ref, { identity, loaders }) => orderAsSeenBy(identity, loaders, await loaders.orderById.load(ref.id)),
  shippingAddress: (o) => ({
    fullName: o.shipFullName,
    line1: o.shipLine1,
    line2: o.shipLine2,
    city: o.shipCity,
    region: o.shipRegion,
    postalCode: o.shipPostalCode,
    country: o.shipCountry,
  }),
  subtotal: async (o, _args, { loaders }) => money(await subtotalSeen(o, loaders), o.currencyCode),
  shippingCost: (o) => money(o.shippingCost, o.currencyCode),
  total: async (o, _args, { loaders }) => money(o.viewerSellerId ? (await subtotalSeen(o, loaders)) + o.shippingCost : o.total, o.currencyCode),
  lines: async (o, _args, { loaders }) => {
    const lines = await loaders.linesByOrderId.load(o.id);
    return o.viewerSellerId ? lines.filter((l) => l.sellerId === o.viewerSellerId) : lines;
  },
  shipments: async (o, _args, { loaders }) => {
    const shipments = await loaders.shipmentsByOrderId.load(o.id);
    return shipments.filter((s) => !o.viewerSellerId || s.sellerId === o.viewerSellerId).map((s) => ({ ...s, viewerSellerId: o.viewerSellerId }));
  },
  events: (o, _args, { loaders }) => loaders.eventsByOrderId.load(o.id),
  returnRequests: async (o, _args, { loaders }) => {
    const requests = await loaders.returnRequestsByOrderId.load(o.id);
    if (!o.viewerSellerId) return requests.map((r) => ({ ...r, viewerSellerId: null }));
    // A store sees the requests that concern at least one of its lines.
    const lines = await Promise.all(requests.map((r) => loaders.linesByReturnRequestId.load(r.id)));
    return requests
      .filter((_r, i) => lines[i]!.some((l) => l.sellerId === o.viewerSellerId))
      .map((r) => ({ ...r, viewerSellerId: o.viewerSellerId }));
  },
  customer: (o) => ({ id: o.customerId }),
};
