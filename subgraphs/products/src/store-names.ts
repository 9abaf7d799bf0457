/**
 * Stores' names for the search listing, which provides `seller { storeName }` so the gateway need
 * not ask users for every page (schema.graphql). Users owns the names; a store keeps the name it
 * opened with (there is no rename), so a name read once stays right and is kept for the life of
 * the process. Renaming stores would need users to publish the change and this copy to follow it.
 */
import { callInternal } from '@marketplace/runtime';

/** Bounds the memory names take (a store's name is at most 80 characters); the oldest go first. */
const MAX_STORES = 50_000;
const names = new Map<string, string>();

/** The names of these stores, in order; users is asked only for those not seen before, in one call. */
export async function storeNames(sellerIds: readonly string[]): Promise<(string | Error)[]> {
  const unseen = [...new Set(sellerIds.filter((id) => !names.has(id)))];
  if (unseen.length > 0) {
    for (const { sellerId, storeName } of await callInternal('users', 'storeNames', { sellerIds: unseen })) {
      if (names.size >= MAX_STORES) names.delete(names.keys().next().value!);
      names.set(sellerId, storeName);
    }
  }
  return sellerIds.map((id) => names.get(id) ?? new Error('Store not found.'));
}
