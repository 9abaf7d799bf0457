/**
 * Leaky buckets of query cost, one per client: a bucket holds up to `size` points and refills at
 * `restorePerSecond`; an operation takes its requested cost before it runs (all or nothing) and
 * gets back what it did not use after. Kept in Redis, so every gateway process draws from the
 * same bucket, each update one atomic Lua call (concurrent requests cannot overspend). While Redis
 * cannot answer, each gateway keeps the buckets in its own memory: requests neither wait for Redis
 * nor go unlimited.
 */
import { createRedis, logger, setting, type Redis } from '@marketplace/runtime';
import { LRUCache } from 'lru-cache';

export interface BucketLimits {
  size: number;
  restorePerSecond: number;
}

export interface BucketState {
  allowed: boolean;
  /** Points left after this update. */
  available: number;
  /** When refused: how long until the cost is available, in ms. */
  retryAfterMs: number;
}

/**
 * KEYS[1] the bucket; ARGV cost (negative: a refund), size, restore per second. Time is Redis'
 * own clock, so gateways with skewed clocks agree. Returns {allowed, available}.
 */
const LEAK_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local cost = tonumber(ARGV[1])
local size = tonumber(ARGV[2])
local rate = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'available', 'at')
local available = size
if state[1] then
  available = math.min(size, tonumber(state[1]) + math.max(0, now - tonumber(state[2])) * rate / 1000)
end
if cost > available then
  return {0, tostring(available)}
end
available = math.min(size, available - cost)
redis.call('HSET', KEYS[1], 'available', tostring(available), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(size / rate * 1000) + 1000)
return {1, tostring(available)}
`;

type LeakyRedis = Redis & { leak(key: string, cost: number, size: number, rate: number): Promise<[number, string]> };

/** How long the gateway keeps to its memory after a command failed or timed out, before asking Redis again. */
const REDIS_RETRY_AFTER_MS = 1000;

export class CostBuckets {
  private redis: LeakyRedis | undefined;
  private redisDownUntil = 0;
  private inMemory_ = false;
  /** Per-process buckets while Redis cannot answer; bounded, the least recently used dropped. */
  private readonly local = new LRUCache<string, { available: number; at: number }>({ max: 100_000 });

  /** Connects now rather than on the first request (which would otherwise find it still connecting). */
  connect(): void {
    this.connection();
  }

  /** Whether the last update was made in memory (Redis not answering). */
  get inMemory(): boolean {
    return this.inMemory_;
  }

  private connection(): LeakyRedis {
    if (!this.redis) {
      // Fail fast instead of queueing: a command while disconnected is refused at once, and one
      // that Redis does not answer in time gives way to the local bucket.
      const redis = createRedis(setting('TRAFFIC_REDIS_URL') ?? setting('REDIS_URL'), {
        overrides: { enableOfflineQueue: false, commandTimeout: setting('TRAFFIC_REDIS_TIMEOUT_MS'), maxRetriesPerRequest: 0 },
      });
      redis.defineCommand('leak', { numberOfKeys: 1, lua: LEAK_SCRIPT });
      redis.on('error', () => {}); // reconnection is ioredis' job; failures show as local buckets
      this.redis = redis as LeakyRedis;
    }
    return this.redis;
  }

  /** Takes `cost` points if the bucket holds them; otherwise takes nothing and says how long to wait. */
  async take(client: string, cost: number, limits: BucketLimits): Promise<BucketState> {
    const [allowed, available] = await this.leak(client, cost, limits);
    const retryAfterMs = allowed ? 0 : Math.ceil(((cost - available) / limits.restorePerSecond) * 1000);
    return { allowed, available, retryAfterMs };
  }

  /** Gives back points taken but not used (never above the bucket's size). */
  async refund(client: string, points: number, limits: BucketLimits): Promise<void> {
    if (points > 0) await this.leak(client, -points, limits);
  }

  private async leak(client: string, cost: number, limits: BucketLimits): Promise<[boolean, number]> {
    const key = `traffic:bucket:${client}`;
    const redis = this.connection();
    // Not connected (connecting, or reconnecting after a loss): no command is even tried.
    if (redis.status === 'ready' && Date.now() >= this.redisDownUntil) {
      try {
        const [allowed, available] = await redis.leak(key, cost, limits.size, limits.restorePerSecond);
        if (this.inMemory_) logger.info('rate limits: Redis answers again, buckets back in Redis');
        this.inMemory_ = false;
        return [allowed === 1, Number(available)];
      } catch (error) {
        this.redisDownUntil = Date.now() + REDIS_RETRY_AFTER_MS;
        this.fellBackToMemory(error);
      }
    } else {
      this.fellBackToMemory(redis.status === 'ready' ? undefined : new Error(`Redis connection ${redis.status}`));
    }
    return this.leakLocally(key, cost, limits);
  }

  private fellBackToMemory(error: unknown): void {
    if (!this.inMemory_) logger.warn({ err: error }, 'rate limits: Redis cannot answer, keeping buckets in memory');
    this.inMemory_ = true;
  }

  private leakLocally(key: string, cost: number, { size, restorePerSecond }: BucketLimits): [boolean, number] {
    const now = Date.now();
    const state = this.local.get(key);
    const available = state ? Math.min(size, state.available + (Math.max(0, now - state.at) * restorePerSecond) / 1000) : size;
    if (cost > available) return [false, available];
    const after = Math.min(size, available - cost);
    this.local.set(key, { available: after, at: now });
    return [true, after];
  }

  close(): void {
    this.redis?.disconnect();
    this.redis = undefined;
  }
}
