import { Redis } from 'ioredis';
import { config } from './config';

/** A Redis connection that reconnects forever; commands wait for it instead of failing at once. */
export function createRedis(url: string = config.redisUrl): Redis {
  return new Redis(url, { maxRetriesPerRequest: 3, enableAutoPipelining: true });
}
export type { Redis };
