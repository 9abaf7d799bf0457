import type { ProductStatus, SellerResolvers } from '../__generated__/resolvers-types';
import { productSearch } from '../search';
import { managesStore } from '../visibility';

const EVERY_STATUS: ProductStatus[] = ['DRAFT', 'ACTIVE', 'ARCHIVED'];

export const Seller: SellerResolvers = {
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
