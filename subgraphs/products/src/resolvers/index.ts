import type { Resolvers } from '../__generated__/resolvers-types';
import { Category } from './Category';
import { Mutation } from './Mutation';
import { Product } from './Product';
import { ProductConnection } from './ProductConnection';
import { ProductVariant } from './ProductVariant';
import { Query } from './Query';
import { Seller } from './Seller';

export const resolvers: Resolvers = { Query, Mutation, Product, ProductVariant, Category, Seller, ProductConnection };
