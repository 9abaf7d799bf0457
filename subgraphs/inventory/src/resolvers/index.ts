import type { Resolvers } from '../__generated__/resolvers-types';
import { LowStockAlert } from './LowStockAlert';
import { Mutation } from './Mutation';
import { Product } from './Product';
import { ProductVariant } from './ProductVariant';
import { Query } from './Query';
import { Seller } from './Seller';
import { Subscription } from './Subscription';
import { VariantStock } from './VariantStock';
import { Warehouse } from './Warehouse';
import { WarehouseStock } from './WarehouseStock';

export const resolvers: Resolvers = {
  Query,
  Mutation,
  Subscription,
  Warehouse,
  VariantStock,
  WarehouseStock,
  LowStockAlert,
  ProductVariant,
  Product,
  Seller,
};
