import type { MutationResolvers } from '../__generated__/resolvers-types';
import { addProductVariant, createCategory, createProduct, updateProduct, updateProductVariant } from '../catalog';

/** A catalog write's result as its payload: the object, or null with the user errors. */
const productPayload = (result: Awaited<ReturnType<typeof createProduct>>) =>
  'ok' in result ? { product: result.ok, userErrors: [] } : { product: null, userErrors: result.errors };

export const Mutation: MutationResolvers = {
  createProduct: async (_parent, { input }, { identity }) => productPayload(await createProduct(identity, input)),
  updateProduct: async (_parent, { id, input }, { identity }) => productPayload(await updateProduct(identity, id, input)),
  addProductVariant: async (_parent, { productId, input }, { identity }) =>
    productPayload(await addProductVariant(identity, productId, input)),
  updateProductVariant: async (_parent, { id, input }, { identity }) => productPayload(await updateProductVariant(identity, id, input)),
  createCategory: async (_parent, { input }) => {
    const result = await createCategory(input);
    return 'ok' in result ? { category: result.ok, userErrors: [] } : { category: null, userErrors: result.errors };
  },
};
