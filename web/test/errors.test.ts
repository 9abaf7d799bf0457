import { GraphQLError } from 'graphql';
import { CombinedError } from 'urql';
import { describe, expect, it } from 'vitest';
import { describeError, formErrors, isMissing } from '../src/lib/errors';

const gqlError = (message: string, code: string, path?: (string | number)[]) => new GraphQLError(message, { path, extensions: { code } });

describe('userErrors by field', () => {
  it('puts each message beside the field its path names, the rest above the form', () => {
    const errors = formErrors(
      [
        { field: ['input', 'email'], message: 'That email is taken.', code: 'EMAIL_TAKEN' },
        { field: ['input', 'variants', '0', 'price'], message: 'Price must be positive.', code: 'INVALID_PRICE' },
        { field: ['input', 'idempotencyKey'], message: 'Still processing.', code: 'CHECKOUT_IN_PROGRESS' },
        { field: null, message: 'The card was declined.', code: 'PAYMENT_DECLINED' },
      ],
      ['email', 'variants.0.price'],
    );
    expect(errors.byField).toEqual({ email: ['That email is taken.'], 'variants.0.price': ['Price must be positive.'] });
    expect(errors.general).toEqual(['Still processing.', 'The card was declined.']);
  });

  it('with no list of fields, every named field is kept', () => {
    expect(formErrors([{ field: ['storeName'], message: 'Taken.', code: 'STORE_NAME_TAKEN' }]).byField).toEqual({ storeName: ['Taken.'] });
    expect(formErrors(undefined)).toEqual({ byField: {}, general: [] });
  });
});

describe('GraphQL errors by extensions.code', () => {
  it('RATE_LIMITED says to wait, with the Retry-After the gateway sent', () => {
    const response = { status: 429, headers: new Headers({ 'retry-after': '7' }) };
    const problem = describeError(new CombinedError({ graphQLErrors: [gqlError('Too many requests', 'RATE_LIMITED')], response }));
    expect(problem).toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 7 });
    expect(problem?.message).toContain('7 s');
  });

  it('SERVICE_UNAVAILABLE names the missing parts; the rest of the page stays', () => {
    const error = new CombinedError({
      graphQLErrors: [gqlError('reviews is unavailable', 'SERVICE_UNAVAILABLE', ['product', 'rating']), gqlError('reviews is unavailable', 'SERVICE_UNAVAILABLE', ['product', 'reviews'])],
    });
    const problem = describeError(error);
    expect(problem).toMatchObject({ kind: 'unavailable', missing: ['product.rating', 'product.reviews'] });
    expect(isMissing(problem, 'product.rating')).toBe(true);
    expect(isMissing(problem, 'product')).toBe(true);
    expect(isMissing(problem, 'product.variants')).toBe(false);
  });

  it('a rate limit wins over missing parts; a network failure is said as such; internals are never shown', () => {
    const both = new CombinedError({ graphQLErrors: [gqlError('x', 'SERVICE_UNAVAILABLE', ['a']), gqlError('y', 'RATE_LIMITED')] });
    expect(describeError(both)?.kind).toBe('rate-limited');
    expect(describeError(new CombinedError({ networkError: new TypeError('fetch failed') }))?.kind).toBe('network');
    const internal = describeError(new CombinedError({ graphQLErrors: [gqlError('connect ECONNREFUSED 10.0.0.3:5432', 'INTERNAL_SERVER_ERROR')] }));
    expect(internal?.kind).toBe('other');
    expect(internal?.message).not.toContain('10.0.0.3');
    expect(describeError(new CombinedError({ graphQLErrors: [gqlError('no', 'FORBIDDEN')] }))?.kind).toBe('forbidden');
    expect(describeError(null)).toBeNull();
  });
});
