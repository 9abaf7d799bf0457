import type { WarehouseResolvers } from '../__generated__/resolvers-types';

export const Warehouse: WarehouseResolvers = {
  __resolveReference: (ref, { loaders }) => loaders.warehouseById.load(ref.id),
};
