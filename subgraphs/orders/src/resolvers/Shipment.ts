import type { ShipmentResolvers } from '../__generated__/resolvers-types';

export const Shipment: ShipmentResolvers = {
  lines: (s, _args, { loaders }) => loaders.linesByShipmentId.load(s.id),
  order: async (s, _args, { loaders }) => (await loaders.orderById.load(s.orderId))!,
};
