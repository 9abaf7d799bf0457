import { asc, eq } from 'drizzle-orm';
import type { QueryResolvers } from '../__generated__/resolvers-types';
import { categories } from '../db/schema';
import { productSearch, suggestions } from '../search';
import { isVisible } from '../visibility';

export const Query: QueryResolvers = {
  product: async (_parent, { id }, { loaders, identity }) => {
    const product = await loaders.productById.load(id);
    return product && isVisible(identity, product) ? product : null;
  },
  products: (_parent, args) => productSearch(args),
  productSuggestions: (_parent, { prefix, first }, { db }) => suggestions(db, prefix, first ?? 8),
  categories: (_parent, _args, { db }) => db.select().from(categories).orderBy(asc(categories.name), asc(categories.id)),
  category: async (_parent, { id, slug }, { db, loaders }) => {
    if (id != null) return loaders.categoryById.load(id);
    if (slug != null) return (await db.select().from(categories).where(eq(categories.slug, slug.trim().toLowerCase())))[0] ?? null;
    return null;
  },
};
