import { money } from '@marketplace/runtime';
import type { OrderResolvers } from '../__generated__/resolvers-types';
import { orderAsSeenBy } from '../access';

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
  subtotal: (o) => money(o.subtotal, o.currencyCode),
  shippingCost: (o) => money(o.shippingCost, o.currencyCode),
  total: (o) => money(o.total, o.currencyCode),
  lines: async (o, _args, { loaders }) => {
    const lines = await loaders.linesByOrderId.load(o.id);
    return o.viewerSellerId ? lines.filter((l) => l.sellerId === o.viewerSellerId) : lines;
  },
  shipments: async (o, _args, { loaders }) => {
    const shipments = await loaders.shipmentsByOrderId.load(o.id);
    return o.viewerSellerId ? shipments.filter((s) => s.sellerId === o.viewerSellerId) : shipments;
  },
  events: (o, _args, { loaders }) => loaders.eventsByOrderId.load(o.id),
  returnRequests: (o, _args, { loaders }) => loaders.returnRequestsByOrderId.load(o.id),
  customer: (o) => ({ id: o.customerId }),
};
