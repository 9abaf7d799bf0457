/**
 * Sign-in attempts per account, against password guessing: at most LOGIN_ATTEMPTS in
 * LOGIN_WINDOW_SECONDS for one email (known or not), after which `login` answers RATE_LIMITED until
 * the window ends. Every attempt is counted before its password is checked, atomically in Redis
 * (rate-limiter-flexible), so concurrent guesses cannot slip past the limit together; a successful
 * sign-in clears the count, so the owner of the account is never held up by their own typos.
 */
import { commandRedis, graphqlError, logger, rateLimitRefusals } from '@marketplace/runtime';
import { setTimeout as sleep } from 'node:timers/promises';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export const LOGIN_ATTEMPTS = 10;
export const LOGIN_WINDOW_SECONDS = 15 * 60;

const limits = { keyPrefix: 'login-attempts', points: LOGIN_ATTEMPTS, duration: LOGIN_WINDOW_SECONDS };
/** How long the first sign-in of a process waits for Redis to connect. */
const CONNECT_WAIT_MS = 1000;

let limiter: Promise<RateLimiterRedis> | undefined;
const attempts = () =>
  (limiter ??= (async () => {
    const storeClient = commandRedis();
    if (storeClient.status !== 'ready') await Promise.race([new Promise((ready) => storeClient.once('ready', ready)), sleep(CONNECT_WAIT_MS)]);
    return new RateLimiterRedis({
      ...limits,
      storeClient,
      // While Redis cannot answer (down, or not connected yet), this process counts on its own:
      // sign-ins neither wait for Redis nor go unlimited.
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(limits),
    });
  })());

/** Counts an attempt to sign in as `email` (lower-cased); throws RATE_LIMITED past the limit. */
export async function countLoginAttempt(email: string): Promise<void> {
  try {
    await (await attempts()).consume(email);
  } catch (outcome) {
    if (!(outcome instanceof RateLimiterRes)) throw outcome;
    const minutes = Math.max(1, Math.ceil(outcome.msBeforeNext / 60_000));
    rateLimitRefusals.inc({ limiter: 'login' });
    throw graphqlError('RATE_LIMITED', `Too many sign-in attempts for this account; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
  }
}

/** The account was signed in to: its earlier failed attempts no longer count. */
export async function clearLoginAttempts(email: string): Promise<void> {
  try {
    await (await attempts()).delete(email);
  } catch (err) {
    // The count then runs out with its window.
    logger.warn({ err }, 'sign-in attempts not cleared');
  }
}
