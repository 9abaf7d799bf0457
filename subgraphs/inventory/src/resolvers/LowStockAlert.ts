import type { LowStockAlertResolvers } from '../__generated__/resolvers-types';

export const LowStockAlert: LowStockAlertResolvers = {
  variant: (alert) => ({ id: alert.variantId }),
};
