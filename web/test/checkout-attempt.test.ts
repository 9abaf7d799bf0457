import { describe, expect, it } from 'vitest';
import { CheckoutAttempts, isStillSettling } from '../src/lib/checkout-attempt';

const visa = { shippingAddressId: 'a1', paymentToken: 'tok_visa', shippingSpeed: 'STANDARD' };

describe('idempotency key per checkout attempt', () => {
  it('a double click or a retry after a lost answer sends the same key', () => {
    let n = 0;
    const attempts = new CheckoutAttempts(() => `key-${++n}`);
    expect(attempts.keyFor(visa)).toBe('key-1');
    expect(attempts.keyFor({ ...visa })).toBe('key-1');
  });

  it('a changed choice is a new attempt (the old key with new input would be IDEMPOTENCY_KEY_REUSED)', () => {
    let n = 0;
    const attempts = new CheckoutAttempts(() => `key-${++n}`);
    attempts.keyFor(visa);
    expect(attempts.keyFor({ ...visa, paymentToken: 'tok_mastercard' })).toBe('key-2');
    expect(attempts.keyFor({ ...visa, paymentToken: 'tok_mastercard', shippingSpeed: 'NEXT_DAY' })).toBe('key-3');
  });

  it('after a definitive answer (say a declined card), trying again is a new attempt', () => {
    let n = 0;
    const attempts = new CheckoutAttempts(() => `key-${++n}`);
    attempts.keyFor(visa);
    attempts.settled();
    expect(attempts.keyFor(visa)).toBe('key-2');
  });

  it('CHECKOUT_IN_PROGRESS keeps the attempt open', () => {
    expect(isStillSettling(['CHECKOUT_IN_PROGRESS'])).toBe(true);
    expect(isStillSettling(['PAYMENT_DECLINED'])).toBe(false);
    expect(isStillSettling([])).toBe(false);
  });

  it('keys are fresh UUIDs by default', () => {
    const a = new CheckoutAttempts().keyFor(visa);
    const b = new CheckoutAttempts().keyFor(visa);
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });
});
