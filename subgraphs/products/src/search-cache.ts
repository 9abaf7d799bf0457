/**
 * Search results kept in process, exactly invalidated: an entry is valid for one *catalog version*
 * (runtime's catalog-version.ts), the Redis counter products bumps after every committed change of
 * something search reads (a product or variant written, a category created, a product's copied
 * `in_stock` or rating changed). A search reads the version once, before it reads anything else, so
 * whatever it caches was read after the changes that version counts; and a search that starts
 * after a change has been counted never sees an entry from before it, whichever products instance
 * made the change or serves the search. The gateway keys anonymous responses by the same version.
 */
import { catalogVersion, logger } from '@marketplace/runtime';

/** Bounds the memory entries take; the oldest go first. */
const MAX_ENTRIES = 1000;
/**
 * A backstop only, as long as the gateway's cache hints: a change whose bump was lost (Redis
 * failing right after the commit, while this process did not search) is seen at the latest this
 * long after.
 */
const MAX_AGE_MS = 30_000;

/** The readings of the parts of one result (a page, a summary, suggestions), by part. */
export type CacheEntry = Map<string, Promise<unknown>>;

let version: string | null = null;
const entries = new Map<string, { value: CacheEntry; at: number }>();

/**
 * The cache entry of `key` for the current catalog version, which the caller fills (`cachedPart`);
 * when the version cannot be read, an empty entry kept nowhere (the search reads everything).
 */
export async function searchCacheEntry(key: string): Promise<CacheEntry> {
  let current: string;
  try {
    current = await catalogVersion();
  } catch (err) {
    logger.warn({ err }, 'catalog version unavailable; searching without the cache');
    // Bumps may be failing too: nothing cached so far is trusted once Redis answers again.
    entries.clear();
    version = null;
    return new Map();
  }
  // Any other value than the last one seen (not only a higher one: Redis may have lost the key)
  // makes every entry stale.
  if (current !== version) {
    entries.clear();
    version = current;
  }
  const now = Date.now();
  const found = entries.get(key);
  if (found && now - found.at < MAX_AGE_MS) return found.value;
  const fresh = { value: new Map(), at: now };
  entries.delete(key);
  entries.set(key, fresh);
  if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  return fresh.value;
}

/**
 * The reading of `part` in `entry`, started by `read()` when there is none yet: concurrent searches
 * of one result (all of them, after a change emptied the cache) share one read. A failed read is
 * dropped, so the next search reads again.
 */
export function cachedPart<T>(entry: CacheEntry, part: string, read: () => Promise<T>): Promise<T> {
  let reading = entry.get(part) as Promise<T> | undefined;
  if (!reading) {
    const started = read();
    entry.set(part, started);
    started.catch(() => {
      if (entry.get(part) === started) entry.delete(part);
    });
    reading = started;
  }
  return reading;
}
