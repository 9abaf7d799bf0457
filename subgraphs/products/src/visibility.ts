import { canActForSeller, type Identity } from '@marketplace/runtime';
import type { ProductRow } from './db/schema';

/** The store itself (acting with a product scope), operators and our own services see every status. */
export function managesStore(identity: Identity, sellerId: string): boolean {
  return identity.kind === 'service' || canActForSeller(identity, sellerId, ['PRODUCTS_READ', 'PRODUCTS_WRITE'], { adminToo: true });
}

/** Active products are public; drafts and archived ones only to whoever manages the store. */
export function isVisible(identity: Identity, product: ProductRow): boolean {
  return product.status === 'ACTIVE' || managesStore(identity, product.sellerId);
}
