/**
 * Traffic limits no test run or benchmark can reach. Both send thousands of requests a run from
 * one address (127.0.0.1) as a handful of clients, which real limits would throttle; only
 * tests/traffic-*.test.ts and `bench:traffic`, which set their own, meet the limits.
 */
export const UNLIMITED_TRAFFIC: Record<string, string> = {
  TRAFFIC_RATE_LIMIT_ANONYMOUS: '1000000000,1000000000',
  TRAFFIC_RATE_LIMIT_USER: '1000000000,1000000000',
  TRAFFIC_RATE_LIMIT_API_KEY: '1000000000,1000000000',
  TRAFFIC_RATE_LIMIT_OPERATOR: '1000000000,1000000000',
  TRAFFIC_MAX_OPERATION_COST: '1000000000',
  SUBSCRIPTIONS_PER_CONNECTION: '1000000',
  CONNECTIONS_PER_CLIENT: '1000000',
};
