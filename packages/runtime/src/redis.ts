import { Redis } from 'ioredis';
import { config } from './config';

/**
 * A Redis connection that reconnects forever; commands wait for it instead of failing at once.
 * Named after the process (`CLIENT LIST` shows who holds what).
 */
export function createRedis(url: string = config.redisUrl): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 3,
    enableAutoPipelining: true,
    connectionName: `${process.env.SERVICE_NAME ?? 'marketplace'}-${process.pid}`,
  });
}
export type { Redis };
