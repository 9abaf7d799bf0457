/**
 * Sign-in attempts per account, against password guessing: at most LOGIN_ATTEMPTS in
 * LOGIN_WINDOW_SECONDS for one email (known or not), after which `login` answers RATE_LIMITED until
 * the window ends. Every attempt is counted before its password is checked, atomically in Redis
 * (rate-limiter-flexible), so concurrent guesses cannot slip past the limit together; a successful
 * sign-in clears the count, so the owner of the account is never held up by their own typos.
 */
import { createRedis, graphqlError, logger, type Redis } from '@marketplace/runtime';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export const LOGIN_ATTEMPTS = 10;
export const LOGIN_WINDOW_SECONDS = 15 * 60;

let limiter: RateLimiterRedis | undefined;
let connection: Redis | undefined;
function attempts(): RateLimiterRedis {
  connection ??= createRedis();
  return (limiter ??= new RateLimiterRedis({
    storeClient: connection,
    keyPrefix: 'login-attempts',
    points: LOGIN_ATTEMPTS,
    duration: LOGIN_WINDOW_SECONDS,
  }));
}

/** Counts an attempt to sign in as `email` (lower-cased); throws RATE_LIMITED past the limit. */
export async function countLoginAttempt(email: string): Promise<void> {
  try {
    await attempts().consume(email);
  } catch (outcome) {
    if (outcome instanceof RateLimiterRes) {
      const minutes = Math.max(1, Math.ceil(outcome.msBeforeNext / 60_000));
      throw graphqlError('RATE_LIMITED', `Too many sign-in attempts for this account; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
    }
    // Redis unreachable (the connection gave up retrying): failing open, as an outage must not
    // lock everyone out; the slow password hash still bounds guessing.
    logger.warn({ err: outcome }, 'sign-in attempts not counted; Redis unavailable');
  }
}

/** The account was signed in to: its earlier failed attempts no longer count. */
export async function clearLoginAttempts(email: string): Promise<void> {
  try {
    await attempts().delete(email);
  } catch (err) {
    logger.warn({ err }, 'sign-in attempts not cleared; Redis unavailable');
  }
}
