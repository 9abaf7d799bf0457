import { describe, expect, it } from 'vitest';
import { expiresSoon, tokenExpiry } from '../src/lib/session';

const jwt = (payload: object) => `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;

describe('access token expiry', () => {
  it('reads exp from the token (base64url)', () => {
    expect(tokenExpiry(jwt({ exp: 1_800_000_000, sub: 'ü?>' }))).toBe(1_800_000_000);
    expect(tokenExpiry('not-a-jwt')).toBeNull();
    expect(tokenExpiry(jwt({ sub: 'x' }))).toBeNull();
  });

  it('refreshes shortly before expiry, so no request arrives with a dead token', () => {
    const now = 1_800_000_000_000;
    expect(expiresSoon(jwt({ exp: now / 1000 + 10 }), now)).toBe(true);
    expect(expiresSoon(jwt({ exp: now / 1000 - 1 }), now)).toBe(true);
    expect(expiresSoon(jwt({ exp: now / 1000 + 600 }), now)).toBe(false);
    // An unreadable token is for the server to refuse (then the client refreshes once).
    expect(expiresSoon('opaque', now)).toBe(false);
  });
});
