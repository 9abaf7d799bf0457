import type { ProductConnectionResolvers } from '../__generated__/resolvers-types';
import { searchEdges, searchFacets, searchPageInfo, searchTotalCount } from '../search';

/** Each part of a product list is fetched only if the client asks for it. */
export const ProductConnection: ProductConnectionResolvers = {
  edges: (search, _args, { db, loaders }) => searchEdges(db, loaders, search),
  pageInfo: (search, _args, { db }) => searchPageInfo(db, search),
  totalCount: (search, _args, { db }) => searchTotalCount(db, search),
  facets: (search, _args, { db }) => searchFacets(db, search),
};
