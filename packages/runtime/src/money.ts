/** The `Money` type: integer minor units and an ISO 4217 code. Never a float. */
export interface Money {
  amount: number;
  currencyCode: string;
}

export const DEFAULT_CURRENCY = 'USD';

export function money(amount: number, currencyCode: string = DEFAULT_CURRENCY): Money {
  if (!Number.isSafeInteger(amount)) throw new Error(`money amount must be an integer, got ${amount}`);
  return { amount, currencyCode };
}
