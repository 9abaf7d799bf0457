import type { ShipmentResolvers } from '../__generated__/resolvers-types';

export const Shipment: ShipmentResolvers = {
  // A parcel holds the lines of the one store that shipped it.
  lines: (s, _args, { loaders }) => loaders.linesByShipmentId.load(s.id),
  order: async (s, _args, { loaders }) => ({ ...(await loaders.orderById.load(s.orderId))!, viewerSellerId: s.viewerSellerId }),
};
