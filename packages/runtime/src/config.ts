/** Settings shared by every process, from the environment with development defaults. */
export const config = {
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ecommerce',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  isProduction: process.env.NODE_ENV === 'production',
  logLevel: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
  /** Lifetime of access tokens issued by users, in seconds. */
  accessTokenTtlSeconds: Number(process.env.ACCESS_TOKEN_TTL_SECONDS ?? 15 * 60),
};
