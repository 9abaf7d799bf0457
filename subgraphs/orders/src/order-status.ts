import type { OrderStatus } from './__generated__/resolvers-types';

/** Orders that were paid for (whatever happened after): they count for revenue and co-purchases. */
export const PURCHASED_STATUSES: OrderStatus[] = ['CONFIRMED', 'PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED', 'RETURN_REQUESTED', 'RETURNED'];

/** Shipping speeds: cost in minor units (USD) and business days to deliver. Checkout prices from here. */
export const SHIPPING_OPTIONS = [
  { speed: 'STANDARD', cost: 499, days: 5 },
  { speed: 'NEXT_DAY', cost: 1499, days: 1 },
  { speed: 'SAME_DAY', cost: 2499, days: 0 },
] as const;
