/**
 * The cart: one per customer, lines priced at the catalog's current prices when read (never
 * stored), quantities 1..99 per line, and no more than is available when added.
 */
import { callInternal, isId, userError } from '@marketplace/runtime';
import { and, eq, sql } from 'drizzle-orm';
import type { UserError } from './__generated__/resolvers-types';
import { db } from './db/client';
import { cartLines, carts, type CartRow } from './db/schema';

export const MAX_LINE_QUANTITY = 99;
type Result = { cart: CartRow } | { errors: UserError[] };

/** The customer's cart, created the first time it is asked for. */
export async function cartOf(customerId: string): Promise<CartRow> {
  const [created] = await db.insert(carts).values({ customerId }).onConflictDoNothing({ target: carts.customerId }).returning();
  if (created) return created;
  return (await db.select().from(carts).where(eq(carts.customerId, customerId)))[0]!;
}

const invalidQuantity = (field: string) => userError('INVALID_QUANTITY', `A line holds 1 to ${MAX_LINE_QUANTITY} units.`, [field]);

async function available(variantId: string): Promise<number> {
  const [row] = await callInternal('inventory', 'availability', { variantIds: [variantId] });
  return row?.available ?? 0;
}

async function touched(cart: CartRow): Promise<CartRow> {
  const [row] = await db.update(carts).set({ updatedAt: new Date() }).where(eq(carts.id, cart.id)).returning();
  return row!;
}

export async function addToCart(customerId: string, variantId: string, quantity: number): Promise<Result> {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_LINE_QUANTITY) return { errors: [invalidQuantity('quantity')] };
  const [variant] = isId(variantId) ? await callInternal('products', 'variantsByIds', { ids: [variantId] }) : [];
  if (!variant || variant.productStatus !== 'ACTIVE') {
    return { errors: [userError('NOT_FOUND', 'This item is not for sale.', ['variantId'])] };
  }
  const [line] = await db
    .select({ quantity: cartLines.quantity })
    .from(cartLines)
    .innerJoin(carts, eq(carts.id, cartLines.cartId))
    .where(and(eq(carts.customerId, customerId), eq(cartLines.variantId, variantId)));
  const wanted = (line?.quantity ?? 0) + quantity;
  if (wanted > MAX_LINE_QUANTITY) return { errors: [invalidQuantity('quantity')] };
  const stock = await available(variantId);
  if (wanted > stock) {
    return { errors: [userError('INSUFFICIENT_STOCK', `Only ${stock} available.`, ['quantity'])] };
  }
  const cart = await cartOf(customerId);
  // The limit is enforced in the statement too, so concurrent adds cannot pass 99 together.
  const [upserted] = await db
    .insert(cartLines)
    .values({ cartId: cart.id, variantId, quantity })
    .onConflictDoUpdate({
      target: [cartLines.cartId, cartLines.variantId],
      set: { quantity: sql`${cartLines.quantity} + excluded.quantity` },
      setWhere: sql`${cartLines.quantity} + excluded.quantity <= ${MAX_LINE_QUANTITY}`,
    })
    .returning({ id: cartLines.id });
  if (!upserted) return { errors: [invalidQuantity('quantity')] };
  return { cart: await touched(cart) };
}

/** A line of the customer's own cart, or null (unknown, malformed or someone else's). */
async function ownLine(customerId: string, lineId: string) {
  if (!isId(lineId)) return null;
  const [row] = await db
    .select({ line: cartLines, cart: carts })
    .from(cartLines)
    .innerJoin(carts, eq(carts.id, cartLines.cartId))
    .where(and(eq(cartLines.id, lineId), eq(carts.customerId, customerId)));
  return row ?? null;
}

const noSuchLine = () => ({ errors: [userError('NOT_FOUND', 'No such line in your cart.', ['lineId'])] });

export async function updateCartLine(customerId: string, lineId: string, quantity: number): Promise<Result> {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_LINE_QUANTITY) return { errors: [invalidQuantity('quantity')] };
  const owned = await ownLine(customerId, lineId);
  if (!owned) return noSuchLine();
  const stock = await available(owned.line.variantId);
  if (quantity > stock) return { errors: [userError('INSUFFICIENT_STOCK', `Only ${stock} available.`, ['quantity'])] };
  await db.update(cartLines).set({ quantity }).where(eq(cartLines.id, lineId));
  return { cart: await touched(owned.cart) };
}

export async function removeCartLine(customerId: string, lineId: string): Promise<Result> {
  const owned = await ownLine(customerId, lineId);
  if (!owned) return noSuchLine();
  await db.delete(cartLines).where(eq(cartLines.id, lineId));
  return { cart: await touched(owned.cart) };
}
