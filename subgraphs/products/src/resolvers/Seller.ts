import type { ProductStatus, Resolver, ResolversTypes, SellerResolvers } from '../__generated__/resolvers-types';
import type { Context } from '../context';
import type { SellerParent } from '../mappers';
import { productSearch } from '../search';
import { managesStore } from '../visibility';

const EVERY_STATUS: ProductStatus[] = ['DRAFT', 'ACTIVE', 'ARCHIVED'];

/** Codegen types the fields a @provides names directly; the store's name is provided one level down (ProductEdge.node). */
type ProvidedSellerResolvers = { storeName: Resolver<ResolversTypes['String'], SellerParent, Context> };

export const Seller: SellerResolvers & ProvidedSellerResolvers = {
  // Asked only in listings of products, which provide it (schema.graphql).
  storeName: (seller, _args, { loaders }) => loaders.storeNameBySellerId.load(seller.id),
  productCount: async (seller, _args, { loaders, identity }) => {
    const counts = await loaders.productCountsBySeller.load(seller.id);
    const all = managesStore(identity, seller.id);
    return counts.filter((c) => all || c.status === 'ACTIVE').reduce((sum, c) => sum + c.n, 0);
  },
  products: (seller, { first, after, status }, { identity }) => {
    const visible = managesStore(identity, seller.id) ? EVERY_STATUS : ['ACTIVE' as const];
    // A status the caller may not see gives an empty list (no statuses match), not an error.
    const statuses = status ? visible.filter((s) => s === status) : visible;
    return productSearch({ first, after, sellerId: seller.id, statuses, sort: 'NEWEST' });
  },
};
