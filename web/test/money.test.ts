import { describe, expect, it } from 'vitest';
import { formatMoney, multiply, parseAmount, quantityChoices, sum } from '../src/lib/money';

describe('money in minor units', () => {
  it('formats cents without floating point', () => {
    expect(formatMoney({ amount: 1999, currencyCode: 'USD' })).toBe('$19.99');
    expect(formatMoney({ amount: 5, currencyCode: 'USD' })).toBe('$0.05');
    expect(formatMoney({ amount: 123456789, currencyCode: 'EUR' })).toBe('€1,234,567.89');
    expect(formatMoney({ amount: -250, currencyCode: 'USD' })).toBe('-$2.50');
    expect(formatMoney({ amount: 100, currencyCode: 'CHF' })).toBe('1.00 CHF');
    expect(formatMoney(null)).toBe('—');
  });

  it('reads prices people type', () => {
    expect(parseAmount('19.99')).toBe(1999);
    expect(parseAmount('19.9')).toBe(1990);
    expect(parseAmount(' 19 ')).toBe(1900);
    expect(parseAmount('0,5')).toBe(50);
    // 0.1 + 0.2 style surprises cannot happen: digits are read as integers.
    expect(parseAmount('1.10')).toBe(110);
    for (const bad of ['', 'abc', '1.999', '-1', '1e3']) expect(parseAmount(bad)).toBeNull();
  });

  it('adds and multiplies in one currency only', () => {
    expect(multiply({ amount: 4900, currencyCode: 'USD' }, 3)).toEqual({ amount: 14700, currencyCode: 'USD' });
    expect(sum([{ amount: 10, currencyCode: 'USD' }, { amount: 20, currencyCode: 'USD' }])).toEqual({ amount: 30, currencyCode: 'USD' });
    expect(sum([])).toEqual({ amount: 0, currencyCode: 'USD' });
    expect(() => sum([{ amount: 10, currencyCode: 'USD' }, { amount: 20, currencyCode: 'EUR' }])).toThrow(/EUR/);
  });

  it('offers quantities within 1..99 and what is available, keeping the current one', () => {
    expect(quantityChoices(3)).toEqual([1, 2, 3]);
    expect(quantityChoices(500)).toHaveLength(99);
    expect(quantityChoices(null)).toHaveLength(99);
    expect(quantityChoices(0)).toEqual([1]);
    expect(quantityChoices(2, 4)).toEqual([1, 2, 3, 4]);
  });
});
