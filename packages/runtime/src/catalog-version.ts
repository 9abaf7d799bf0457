import { logger } from './logger';
import { commandRedis as redis } from './redis';

/**
 * The catalog version: one Redis counter, incremented after any committed change to what the
 * catalog shows shoppers (products, variants, prices, categories; which products are in stock;
 * ratings). The gateway caches whole anonymous responses under it, so a cached search can live as
 * long as its cache hints allow (schema/common.graphql) and still never outlive a change to it.
 */
const CATALOG_VERSION_KEY = 'catalog:version';

/**
 * The counter starts from the clock (in microseconds, far ahead of any rate of changes), not 0,
 * when its key is missing (first use, or a Redis that restarted empty): numbers counted before a
 * loss are not handed out again, so nothing cached under them is served as current.
 */
const startingVersion = () => String(Date.now() * 1000);

/**
 * Call once the change has committed. A failure is logged, not thrown: the change itself stands,
 * and cached responses then expire by their hints instead.
 */
export async function bumpCatalogVersion(): Promise<void> {
  try {
    // One round trip: start the counter if it is missing, then count this change.
    await redis().multi().set(CATALOG_VERSION_KEY, startingVersion(), 'NX').incr(CATALOG_VERSION_KEY).exec();
  } catch (error) {
    logger.warn({ err: error }, 'could not bump the catalog version; cached searches expire by their hints');
  }
}

/** The current version; throws when Redis cannot answer. */
export async function catalogVersion(): Promise<string> {
  const current = await redis().get(CATALOG_VERSION_KEY);
  if (current !== null) return current;
  await redis().set(CATALOG_VERSION_KEY, startingVersion(), 'NX');
  return (await redis().get(CATALOG_VERSION_KEY))!;
}

