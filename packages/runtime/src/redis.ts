import { Redis, type RedisOptions } from 'ioredis';
import { setting } from './settings';

/**
 * A Redis connection that reconnects forever; commands wait for it instead of failing at once.
 * Named after the process (`CLIENT LIST` shows who holds what). `options` override these (a
 * caller that must never wait on Redis turns the offline queue off).
 */
export function createRedis(url: string = setting('REDIS_URL'), options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 3,
    enableAutoPipelining: true,
    connectionName: `${setting('SERVICE_NAME')}-${process.pid}`,
    ...options,
  });
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
