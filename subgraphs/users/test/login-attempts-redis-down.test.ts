/**
 * Sign-in attempts while Redis cannot be reached: the process counts them itself, so the limit
 * still holds (and no sign-in waits for Redis). A file of its own: the limiter's connection is made
 * from REDIS_URL on first use, here a port nothing listens on.
 */
import { describe, expect, it } from 'vitest';

process.env.REDIS_URL = 'redis://127.0.0.1:1';

describe('sign-in attempts with Redis down', () => {
  it('are still limited, counted by the process itself', async () => {
    const { countLoginAttempt, clearLoginAttempts, LOGIN_ATTEMPTS } = await import('../src/login-attempts');
    for (let i = 0; i < LOGIN_ATTEMPTS; i++) await countLoginAttempt('someone@example.com');
    await expect(countLoginAttempt('someone@example.com')).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    // A sign-in clears the count here too.
    await clearLoginAttempts('someone@example.com');
    await expect(countLoginAttempt('someone@example.com')).resolves.toBeUndefined();
  });
});
