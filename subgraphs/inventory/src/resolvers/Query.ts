import { asc } from 'drizzle-orm';
import type { QueryResolvers } from '../__generated__/resolvers-types';
import { warehouses } from '../db/schema';

export const Query: QueryResolvers = {
  warehouses: (_parent, _args, { db }) => db.select().from(warehouses).orderBy(asc(warehouses.code)),
};
