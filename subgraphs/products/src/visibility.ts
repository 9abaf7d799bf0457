import { canActForSeller, type Identity } from '@marketplace/runtime';
import type { ProductRow } from './db/schema';

/** The store itself (its session, or a key with a product scope) and operators see every status. */
export function managesStore(identity: Identity, sellerId: string): boolean {
  return canActForSeller(identity, sellerId, ['PRODUCTS_READ', 'PRODUCTS_WRITE'], { adminToo: true });
}

/**
 * Drafts are their store's alone. Archived products were public once: they leave listings and
 * search, but stay viewable by id, so the orders, carts and wishlists that point at them still
 * show what was bought.
 */
export function isVisible(identity: Identity, product: ProductRow): boolean {
  return product.status !== 'DRAFT' || managesStore(identity, product.sellerId);
}
