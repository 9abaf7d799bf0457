import type { CategoryResolvers } from '../__generated__/resolvers-types';

export const Category: CategoryResolvers = {
  __resolveReference: (ref, { loaders }) => loaders.categoryById.load(ref.id),
  parent: (c, _args, { loaders }) => (c.parentId ? loaders.categoryById.load(c.parentId) : null),
  children: (c, _args, { loaders }) => loaders.childrenByParentId.load(c.id),
  ancestors: async (c, _args, { loaders }) => {
    const ancestors = await loaders.categoryById.loadMany(c.path);
    return ancestors.filter((a): a is Exclude<typeof a, Error | null> => a !== null && !(a instanceof Error));
  },
};
