import type { ShippingSpeed } from './__generated__/resolvers-types';

/** Shipping speeds: cost in minor units (USD) and business days to deliver. Checkout prices from here. */
export const SHIPPING_OPTIONS: readonly { speed: ShippingSpeed; cost: number; days: number }[] = [
  { speed: 'STANDARD', cost: 499, days: 5 },
  { speed: 'NEXT_DAY', cost: 1499, days: 1 },
  { speed: 'SAME_DAY', cost: 2499, days: 0 },
];
