import type { OrderStatus } from './__generated__/resolvers-types';

/** Orders that were paid for (whatever happened after): they count for revenue and co-purchases. */
export const PURCHASED_STATUSES: OrderStatus[] = ['CONFIRMED', 'PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED', 'RETURN_REQUESTED', 'RETURNED'];
