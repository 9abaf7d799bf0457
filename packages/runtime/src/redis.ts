import { Redis, type RedisOptions } from 'ioredis';
import { logger } from './logger';
import { setting } from './settings';

/**
 * A Redis connection that reconnects forever and never makes a caller wait for it: once it has
 * been ready, a command sent while Redis is unreachable fails at once (no offline queue), and one
 * Redis does not answer fails after `REDIS_COMMAND_TIMEOUT_MS`. Every use has its fallback (the
 * README's "Failure behaviour"), so Redis down costs a request nothing. Until the first connect,
 * commands queue (bounded by the same timeout), so a process's first requests do not fail for
 * want of a connection that is about to be made.
 *
 * `blocking`: for blocking reads (XREAD/XREADGROUP BLOCK), which wait on purpose (a second at a
 * time): only a Redis silent far longer than that is taken as gone; their loop retries the read.
 * Named after the process (`CLIENT LIST` shows who holds what). `overrides` replace these settings
 * (traffic control's buckets, which give way to memory after a far shorter wait).
 */
const BLOCKING_COMMAND_TIMEOUT_MS = 10_000;

export function createRedis(url: string = setting('REDIS_URL'), opts: { blocking?: boolean; overrides?: RedisOptions } = {}): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableAutoPipelining: !opts.blocking,
    commandTimeout: opts.blocking ? BLOCKING_COMMAND_TIMEOUT_MS : setting('REDIS_COMMAND_TIMEOUT_MS'),
    connectionName: `${setting('SERVICE_NAME')}-${process.pid}`,
    ...opts.overrides,
  });
  // Said once per outage (ioredis would print every reconnection attempt's error).
  let unreachable = false;
  redis.on('error', (err) => {
    if (unreachable) return;
    unreachable = true;
    logger.warn({ err }, 'Redis unreachable; reconnecting');
  });
  redis.on('ready', () => {
    redis.options.enableOfflineQueue = false;
    if (unreachable) logger.info('Redis reachable again');
    unreachable = false;
  });
  return redis;
}

let commands: Redis | undefined;
/**
 * The process's connection for plain commands (counters, limits), made on first use and shared.
 * Not for blocking reads: those wait on a connection of their own.
 */
export const commandRedis = (): Redis => (commands ??= createRedis());

/** Closes the shared command connection: a command-line tool that is done (it would keep the process alive). */
export function closeCommandRedis(): void {
  commands?.disconnect();
  commands = undefined;
}
export type { Redis };
