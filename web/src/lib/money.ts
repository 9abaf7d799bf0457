/**
 * Money as the contract sends it: integer minor units and a currency. Amounts are formatted and
 * added as integers; they never pass through floating point.
 */
export interface Money {
  amount: number;
  currencyCode: string;
}

const SYMBOLS: Record<string, string> = { USD: '$', EUR: '€', GBP: '£' };

/** `1999 USD` → `$19.99`; negative amounts keep their sign in front. */
export function formatMoney(money: Money | null | undefined): string {
  if (!money) return '—';
  const sign = money.amount < 0 ? '-' : '';
  const abs = Math.abs(money.amount);
  const units = Math.floor(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  const grouped = String(units).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const symbol = SYMBOLS[money.currencyCode];
  return symbol ? `${sign}${symbol}${grouped}.${cents}` : `${sign}${grouped}.${cents} ${money.currencyCode}`;
}

/** A price typed by a person (`19.99`, `19`, `19.9`) in minor units, or null when it is not one. */
export function parseAmount(text: string): number | null {
  const match = /^\s*(\d{1,9})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
}

export function multiply(unit: Money, quantity: number): Money {
  return { amount: unit.amount * quantity, currencyCode: unit.currencyCode };
}

/** The sum of amounts in one currency; mixing currencies is a bug, not something to round away. */
export function sum(amounts: Money[], currencyCode = amounts[0]?.currencyCode ?? 'USD'): Money {
  let total = 0;
  for (const m of amounts) {
    if (m.currencyCode !== currencyCode) throw new Error(`cannot add ${m.currencyCode} to ${currencyCode}`);
    total += m.amount;
  }
  return { amount: total, currencyCode };
}

/** Quantities a shopper may pick for a line: 1..99 (the contract's bound) and no more than is available. */
export function quantityChoices(available: number | null | undefined, current = 1): number[] {
  const max = Math.max(current, Math.min(99, available ?? 99));
  return Array.from({ length: Math.max(1, max) }, (_, i) => i + 1);
}
