import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrderLineStatus, OrderStatus } from '../src/__generated__/resolvers-types';
import { nextStatus, ORDER_TRANSITIONS } from '../src/lifecycle/state-machine';

const lines = (...statuses: OrderLineStatus[]) => statuses.map((status) => ({ status }));
const LINE_STATUSES: OrderLineStatus[] = ['PENDING', 'CONFIRMED', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'RETURN_REQUESTED', 'RETURNED'];

describe('the order state machine', () => {
  it('follows the lines: partly shipped, shipped, delivered, returned', () => {
    expect(nextStatus('CONFIRMED', lines('SHIPPED', 'CONFIRMED'))).toBe('PARTIALLY_SHIPPED');
    expect(nextStatus('PARTIALLY_SHIPPED', lines('SHIPPED', 'SHIPPED'))).toBe('SHIPPED');
    expect(nextStatus('CONFIRMED', lines('SHIPPED', 'SHIPPED'))).toBe('SHIPPED');
    expect(nextStatus('PARTIALLY_SHIPPED', lines('DELIVERED', 'CONFIRMED'))).toBeNull();
    expect(nextStatus('SHIPPED', lines('DELIVERED', 'SHIPPED'))).toBeNull();
    expect(nextStatus('SHIPPED', lines('DELIVERED', 'DELIVERED'))).toBe('DELIVERED');
    expect(nextStatus('DELIVERED', lines('RETURN_REQUESTED', 'DELIVERED'))).toBe('RETURN_REQUESTED');
    expect(nextStatus('RETURN_REQUESTED', lines('RETURNED', 'DELIVERED'))).toBe('DELIVERED');
    expect(nextStatus('RETURN_REQUESTED', lines('RETURNED', 'RETURNED'))).toBe('RETURNED');
    // Cancelled lines do not hold an order back.
    expect(nextStatus('CONFIRMED', lines('SHIPPED', 'CANCELLED'))).toBe('SHIPPED');
  });

  it('lets an order be cancelled only until a line ships', () => {
    const cancel = ORDER_TRANSITIONS.CONFIRMED.CANCELLED!;
    expect(cancel(lines('CONFIRMED', 'CONFIRMED'))).toBe(true);
    expect(cancel(lines('SHIPPED', 'CONFIRMED'))).toBe(false);
    expect(ORDER_TRANSITIONS.PARTIALLY_SHIPPED.CANCELLED).toBeUndefined();
    expect(ORDER_TRANSITIONS.SHIPPED.CANCELLED).toBeUndefined();
  });

  it('ends in terminal states', () => {
    for (const terminal of ['RETURNED', 'CANCELLED', 'PAYMENT_FAILED'] as OrderStatus[]) {
      expect(Object.keys(ORDER_TRANSITIONS[terminal])).toEqual([]);
    }
  });

  it('never derives a status the table does not allow from where the order stands (property)', () => {
    const statuses = Object.keys(ORDER_TRANSITIONS) as OrderStatus[];
    fc.assert(
      fc.property(fc.constantFrom(...statuses), fc.array(fc.constantFrom(...LINE_STATUSES), { minLength: 1, maxLength: 6 }), (current, lineStatuses) => {
        const next = nextStatus(current, lines(...lineStatuses));
        if (next === null) return;
        const guard = ORDER_TRANSITIONS[current][next];
        expect(guard).toBeDefined();
        expect(guard!(lines(...lineStatuses))).toBe(true);
      }),
    );
  });
});
