import type { Resolvers } from '../__generated__/resolvers-types';
import { Cart } from './Cart';
import { CartLine } from './CartLine';
import { Mutation } from './Mutation';
import { Order } from './Order';
import { OrderConnection } from './OrderConnection';
import { OrderLine } from './OrderLine';
import { Product } from './Product';
import { Query } from './Query';
import { ReturnRequest } from './ReturnRequest';
import { Seller } from './Seller';
import { Shipment } from './Shipment';
import { Subscription } from './Subscription';
import { User } from './User';

export const resolvers: Resolvers = {
  Query,
  Mutation,
  Subscription,
  User,
  Seller,
  Product,
  Order,
  OrderLine,
  Shipment,
  ReturnRequest,
  Cart,
  CartLine,
  OrderConnection,
};
