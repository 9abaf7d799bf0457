/**
 * Search results kept in process, exactly invalidated: an entry is valid for one *search
 * generation*, a counter in Redis that products increments after every committed change of
 * something search reads (a product or variant written, a category created, a product's copied
 * `in_stock` or rating changed: `searchChanged`). A search reads the generation once, before it
 * reads anything else, so whatever it caches was read after the changes that generation counts;
 * and a search that starts after a change has been counted never sees an entry from before it,
 * whichever products instance made the change or serves the search.
 */
import { createRedis, logger, type Redis } from '@marketplace/runtime';

const GENERATION_KEY = 'products:search-generation';
/** Bounds the memory entries take; the oldest go first. */
const MAX_ENTRIES = 1000;
/**
 * A backstop only: a change whose increment was lost (Redis failing right after the commit, while
 * this process did not search) is seen at the latest this long after.
 */
const MAX_AGE_MS = 60_000;

let redis: Redis | undefined;
const client = () => (redis ??= createRedis());

/** The readings of the parts of one result (a page, a summary, suggestions), by part. */
export type CacheEntry = Map<string, Promise<unknown>>;

let generation: string | null = null;
const entries = new Map<string, { value: CacheEntry; at: number }>();

/**
 * Called after a change of something search reads has committed. Never fails the change, which is
 * done: without Redis, searches go without the cache (below) until it is back.
 */
export async function searchChanged(): Promise<void> {
  try {
    await client().incr(GENERATION_KEY);
  } catch (err) {
    logger.error({ err }, 'search generation not incremented; cached searches may miss a change for up to a minute');
  }
}

/**
 * The cache entry of `key` for the current generation, which the caller fills (`cachedPart`); when
 * the generation cannot be read, an empty entry kept nowhere (the search reads everything).
 */
export async function searchCacheEntry(key: string): Promise<CacheEntry> {
  let current: string;
  try {
    current = (await client().get(GENERATION_KEY)) ?? '0';
  } catch (err) {
    logger.warn({ err }, 'search generation unavailable; searching without the cache');
    // Increments may be failing too: nothing cached so far is trusted once Redis answers again.
    entries.clear();
    generation = null;
    return new Map();
  }
  // Any other value than the last one seen (not only a higher one: Redis may have lost the key)
  // makes every entry stale.
  if (current !== generation) {
    entries.clear();
    generation = current;
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

/** Closes the Redis connection (the subgraph stops). */
export async function closeSearchCache(): Promise<void> {
  redis?.disconnect();
  redis = undefined;
}
