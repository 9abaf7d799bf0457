import type { WarehouseStockResolvers } from '../__generated__/resolvers-types';

export const WarehouseStock: WarehouseStockResolvers = {
  available: (level) => Math.max(level.onHand - level.reserved, 0),
};
