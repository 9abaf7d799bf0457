import { actingSellerId, isAdmin, type Identity, type Scope } from '@marketplace/runtime';

export const STOCK_READ_SCOPES: readonly Scope[] = ['INVENTORY_READ', 'INVENTORY_WRITE'];

/**
 * Whether the caller may see a store's stock details (on hand, reserved, thresholds, warehouses):
 * the store itself acting with one of `scopes`, operators, and our own services.
 */
export function maySeeStockOf(identity: Identity, sellerId: string | null, scopes: readonly Scope[] = STOCK_READ_SCOPES): boolean {
  if (identity.kind === 'service' || isAdmin(identity)) return true;
  return sellerId !== null && actingSellerId(identity, scopes) === sellerId;
}
