/**
 * The cart: one per customer, lines priced at the catalog's current prices when read (never
 * stored), 1..99 units per line, and never more than is available when a line grows.
 */
import { callInternal, forbidden, isId, userError } from '@marketplace/runtime';
import { and, eq, inArray, sql, TransactionRollbackError } from 'drizzle-orm';
import type { UserError } from './__generated__/resolvers-types';
import type { Context } from './context';
import type { Db, Tx } from './db/client';
import { cartLines, carts, type CartRow } from './db/schema';

export const MAX_LINE_QUANTITY = 99;

/** A cart mutation's payload: the cart after the change, or why nothing changed. */
type CartChange = { cart: CartRow; userErrors: [] } | { cart: null; userErrors: UserError[] };

const succeeded = (cart: CartRow): CartChange => ({ cart, userErrors: [] });
const failure = (error: UserError): CartChange => ({ cart: null, userErrors: [error] });
const invalidQuantity = () => failure(userError('INVALID_QUANTITY', `A cart line holds 1 to ${MAX_LINE_QUANTITY} units.`, ['quantity']));
const insufficientStock = (available: number) =>
  failure(userError('INSUFFICIENT_STOCK', available > 0 ? `Only ${available} available.` : 'This item is out of stock.', ['quantity']));
const noSuchLine = () => failure(userError('NOT_FOUND', 'No such line in your cart.', ['lineId']));
/** A line missing from the caller's cart is unknown, or someone else's: that is refused, not "not found". */
async function lineMissingFromCart(db: Db | Tx, lineId: string): Promise<CartChange> {
  const [elsewhere] = await db.select({ id: cartLines.id }).from(cartLines).where(eq(cartLines.id, lineId));
  if (elsewhere) throw forbidden('This line is in someone else’s cart.');
  return noSuchLine();
}
const isLineQuantity = (quantity: number) => Number.isInteger(quantity) && quantity >= 1 && quantity <= MAX_LINE_QUANTITY;

/** The customer's cart, created the first time it is asked for so that its id is stable. */
export async function cartOf({ db, loaders }: Context, customerId: string): Promise<CartRow> {
  const existing = await loaders.cartByCustomerId.load(customerId);
  if (existing) return existing;
  const [created] = await db.insert(carts).values({ customerId }).onConflictDoNothing({ target: carts.customerId }).returning();
  // Losing the race to a concurrent first request is fine: its cart is the cart.
  return created ?? (await db.select().from(carts).where(eq(carts.customerId, customerId)))[0]!;
}

async function availableUnits(variantId: string): Promise<number> {
  const [row] = await callInternal('inventory', 'availability', { variantIds: [variantId] });
  return row?.available ?? 0;
}

async function quantityInCart(db: Db, customerId: string, variantId: string): Promise<number> {
  const [line] = await db
    .select({ quantity: cartLines.quantity })
    .from(cartLines)
    .innerJoin(carts, eq(carts.id, cartLines.cartId))
    .where(and(eq(carts.customerId, customerId), eq(cartLines.variantId, variantId)));
  return line?.quantity ?? 0;
}

/** The customer's cart ids, as a subquery: a line is theirs when its cart is. */
const cartIdsOf = (db: Db | Tx, customerId: string) => db.select({ id: carts.id }).from(carts).where(eq(carts.customerId, customerId));

export async function addToCart(ctx: Context, customerId: string, variantId: string, quantity: number): Promise<CartChange> {
  if (!isLineQuantity(quantity)) return invalidQuantity();
  const variant = isId(variantId) ? await ctx.loaders.variantSummary.load(variantId) : null;
  if (!variant || variant.productStatus !== 'ACTIVE') return failure(userError('NOT_FOUND', 'This item is not for sale.', ['variantId']));
  const [inCart, available] = await Promise.all([quantityInCart(ctx.db, customerId, variantId), availableUnits(variantId)]);
  if (inCart + quantity > MAX_LINE_QUANTITY) return invalidQuantity();
  if (inCart + quantity > available) return insufficientStock(available);
  // Both limits hold in the upsert itself, so concurrent adds cannot pass them together.
  const limit = Math.min(MAX_LINE_QUANTITY, available);
  try {
    return await ctx.db.transaction(async (tx) => {
      const [cart] = await tx
        .insert(carts)
        .values({ customerId })
        .onConflictDoUpdate({ target: carts.customerId, set: { updatedAt: sql`now()` } })
        .returning();
      const [line] = await tx
        .insert(cartLines)
        .values({ cartId: cart!.id, variantId, quantity })
        .onConflictDoUpdate({
          target: [cartLines.cartId, cartLines.variantId],
          set: { quantity: sql`${cartLines.quantity} + excluded.quantity` },
          setWhere: sql`${cartLines.quantity} + excluded.quantity <= ${limit}`,
        })
        .returning({ id: cartLines.id });
      if (!line) tx.rollback();
      return succeeded(cart!);
    });
  } catch (err) {
    if (!(err instanceof TransactionRollbackError)) throw err;
    return limit < MAX_LINE_QUANTITY ? insufficientStock(available) : invalidQuantity();
  }
}

export async function updateCartLine(ctx: Context, customerId: string, lineId: string, quantity: number): Promise<CartChange> {
  if (!isLineQuantity(quantity)) return invalidQuantity();
  if (!isId(lineId)) return noSuchLine();
  const [line] = await ctx.db
    .select({ variantId: cartLines.variantId })
    .from(cartLines)
    .where(and(eq(cartLines.id, lineId), inArray(cartLines.cartId, cartIdsOf(ctx.db, customerId))));
  if (!line) return lineMissingFromCart(ctx.db, lineId);
  const available = await availableUnits(line.variantId);
  if (quantity > available) return insufficientStock(available);
  return ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(cartLines)
      .set({ quantity })
      .where(and(eq(cartLines.id, lineId), inArray(cartLines.cartId, cartIdsOf(tx, customerId))))
      .returning({ cartId: cartLines.cartId });
    // Removed by a concurrent request since it was read.
    if (!updated) return noSuchLine();
    return succeeded(await touch(tx, updated.cartId));
  });
}

export async function removeCartLine(ctx: Context, customerId: string, lineId: string): Promise<CartChange> {
  if (!isId(lineId)) return noSuchLine();
  return ctx.db.transaction(async (tx) => {
    const [removed] = await tx
      .delete(cartLines)
      .where(and(eq(cartLines.id, lineId), inArray(cartLines.cartId, cartIdsOf(tx, customerId))))
      .returning({ cartId: cartLines.cartId });
    if (!removed) return lineMissingFromCart(tx, lineId);
    return succeeded(await touch(tx, removed.cartId));
  });
}

async function touch(tx: Tx, cartId: string): Promise<CartRow> {
  const [cart] = await tx.update(carts).set({ updatedAt: sql`now()` }).where(eq(carts.id, cartId)).returning();
  return cart!;
}
