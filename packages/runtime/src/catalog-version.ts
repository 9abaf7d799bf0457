import { logger } from './logger';
import { createRedis, type Redis } from './redis';

/**
 * The catalog version: one Redis counter, incremented after any committed change to what the
 * catalog shows shoppers (products, variants, prices, categories; which products are in stock;
 * ratings). The gateway caches whole anonymous responses under it, so a cached search can live as
 * long as its cache hints allow (schema/common.graphql) and still never outlive a change to it.
 */
const CATALOG_VERSION_KEY = 'catalog:version';

let commands: Redis | undefined;
const redis = () => (commands ??= createRedis());

/**
 * Call once the change has committed. A failure is logged, not thrown: the change itself stands,
 * and cached responses then expire by their hints instead.
 */
export async function bumpCatalogVersion(): Promise<void> {
  try {
    await redis().incr(CATALOG_VERSION_KEY);
  } catch (error) {
    logger.warn({ err: error }, 'could not bump the catalog version; cached searches expire by their hints');
  }
}

/** The current version ('0' before any change); throws when Redis cannot answer. */
export async function catalogVersion(): Promise<string> {
  return (await redis().get(CATALOG_VERSION_KEY)) ?? '0';
}
