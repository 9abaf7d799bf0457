import { money, DEFAULT_CURRENCY } from '@marketplace/runtime';
import type { CartResolvers } from '../__generated__/resolvers-types';
import type { Context } from '../context';
import type { CartParent } from '../mappers';

/** The cart's lines with their current catalog data; lines whose variant left the catalog are not shown. */
async function pricedLines(cart: CartParent, { loaders }: Context) {
  const lines = await loaders.cartLinesByCartId.load(cart.id);
  const summaries = await loaders.variantSummary.loadMany(lines.map((l) => l.variantId));
  return lines.flatMap((line, i) => {
    const summary = summaries[i];
    return summary && !(summary instanceof Error) ? [{ line, summary }] : [];
  });
}

export const Cart: CartResolvers = {
  lines: async (cart, _args, ctx) => (await pricedLines(cart, ctx)).map((p) => p.line),
  itemCount: async (cart, _args, ctx) => (await pricedLines(cart, ctx)).reduce((n, p) => n + p.line.quantity, 0),
  subtotal: async (cart, _args, ctx) => {
    const lines = await pricedLines(cart, ctx);
    return money(
      lines.reduce((sum, p) => sum + p.summary.price * p.line.quantity, 0),
      lines[0]?.summary.currencyCode ?? DEFAULT_CURRENCY,
    );
  },
};
