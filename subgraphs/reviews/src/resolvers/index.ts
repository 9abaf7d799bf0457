import type { Resolvers } from '../__generated__/resolvers-types';
import { Mutation } from './Mutation';
import { Product } from './Product';
import { Query } from './Query';
import { Review } from './Review';
import { ReviewConnection } from './ReviewConnection';
import { Seller } from './Seller';

export const resolvers: Resolvers = { Query, Mutation, Product, Review, ReviewConnection, Seller };
