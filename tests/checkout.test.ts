import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { op } from '../scripts/contract';
import { startStack, type Stack } from '../scripts/stack';
import { runSaga } from '../subgraphs/orders/src/checkout/saga';
import { db } from '../subgraphs/orders/src/db/client';
import { createCategory, createProduct, createWarehouse, operatorToken, registerCustomer, registerSeller, setStock } from './helpers';

let stack: Stack;
let categoryId: string;
let warehouses: { id: string }[];
let seller: Awaited<ReturnType<typeof registerSeller>>;

beforeAll(async () => {
  stack = await startStack();
  const admin = await operatorToken(stack);
  categoryId = (await createCategory(stack, admin)).id;
  warehouses = [await createWarehouse(stack, admin, 'NY'), await createWarehouse(stack, admin, 'CA')];
  seller = await registerSeller(stack);
}, 60_000);
afterAll(() => stack.stop());

/** A product with one variant and `units` on hand, split over the two warehouses. */
async function stockedVariant(units: number, price = 2500) {
  const product = await createProduct(stack, seller.token, categoryId, { prices: [price] });
  const variantId = product.variants[0]!.id;
  await setStock(stack, seller.token, variantId, warehouses[0]!.id, Math.ceil(units / 2));
  await setStock(stack, seller.token, variantId, warehouses[1]!.id, Math.floor(units / 2));
  return { productId: product.id, variantId };
}

/** A customer with a default address and `quantity` of the variant in the cart. */
async function shopper(variantId: string, quantity = 1) {
  const customer = await registerCustomer(stack);
  const address = await stack.request(
    op('AddAddress'),
    { input: { fullName: 'Sam Shopper', line1: '1 Main St', city: 'New York', region: 'NY', postalCode: '10001', country: 'US', isDefault: true } },
    customer.token,
  );
  const added = await stack.request(op('AddToCart'), { variantId, quantity }, customer.token);
  expect(added.data.addToCart.userErrors).toEqual([]);
  return { ...customer, addressId: address.data.addAddress.address.id as string };
}

const checkout = (token: string, addressId: string, paymentToken = 'tok_visa', idempotencyKey: string = randomUUID()) =>
  stack.request(op('Checkout'), { input: { idempotencyKey, shippingAddressId: addressId, paymentToken, shippingSpeed: 'STANDARD' } }, token);

const available = async (productId: string) => {
  const res = await stack.request(op('ProductPage'), { id: productId });
  return res.data.product.variants[0].stock.available as number;
};

describe('checkout', () => {
  it('prices the cart, reserves stock, authorizes payment and confirms the order', async () => {
    const { productId, variantId } = await stockedVariant(10, 2500);
    const buyer = await shopper(variantId, 2);
    const res = await checkout(buyer.token, buyer.addressId);
    expect(res.errors).toBeUndefined();
    expect(res.data.checkout.userErrors).toEqual([]);
    const order = res.data.checkout.order;
    expect(order).toMatchObject({
      number: expect.stringMatching(/^MK-/),
      status: 'CONFIRMED',
      subtotal: { amount: 5000, currencyCode: 'USD' },
      shippingCost: { amount: 499, currencyCode: 'USD' },
      total: { amount: 5499, currencyCode: 'USD' },
      payment: { status: 'AUTHORIZED', amount: { amount: 5499, currencyCode: 'USD' }, card: { brand: 'visa', last4: '4242' } },
    });
    expect(order.estimatedDelivery).toBeTruthy();
    expect(order.lines).toEqual([expect.objectContaining({ quantity: 2, status: 'CONFIRMED', unitPrice: { amount: 2500, currencyCode: 'USD' } })]);
    expect(await available(productId)).toBe(8);

    const cart = await stack.request(op('Cart'), {}, buyer.token);
    expect(cart.data.me.cart.itemCount).toBe(0);
    const detail = await stack.request(op('OrderDetail'), { id: order.id }, buyer.token);
    expect(detail.data.order.events.map((e: { status: string }) => e.status)).toEqual(['PENDING_PAYMENT', 'CONFIRMED']);
    expect(detail.data.order.shippingAddress).toMatchObject({ city: 'New York', country: 'US' });
    const mine = await stack.request(op('MyOrders'), {}, buyer.token);
    expect(mine.data.me.orders.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([order.id]);
  });

  it.each([
    ['a declined card', 'tok_chargeDeclined'],
    ['a provider outage', 'tok_chargeDeclinedProcessingError'],
  ])('leaves no confirmed order, no charge and the stock available after %s', async (_case, paymentToken) => {
    const { productId, variantId } = await stockedVariant(4);
    const buyer = await shopper(variantId, 3);
    const res = await checkout(buyer.token, buyer.addressId, paymentToken);
    expect(res.data.checkout).toMatchObject({ order: null, userErrors: [{ code: 'PAYMENT_DECLINED' }] });
    expect(await available(productId)).toBe(4);
    const mine = await stack.request(op('MyOrders'), {}, buyer.token);
    expect(mine.data.me.orders.edges.every((e: { node: { status: string } }) => e.node.status === 'PAYMENT_FAILED')).toBe(true);
    const cart = await stack.request(op('Cart'), {}, buyer.token);
    expect(cart.data.me.cart.itemCount).toBe(3);
  });

  it('refuses an empty cart and an address that is not the customer’s', async () => {
    const { variantId } = await stockedVariant(2);
    const buyer = await shopper(variantId);
    const other = await shopper(variantId);
    expect((await checkout(buyer.token, other.addressId)).data.checkout.userErrors[0].code).toBe('INVALID_ADDRESS');
    expect((await checkout(buyer.token, randomUUID())).data.checkout.userErrors[0].code).toBe('INVALID_ADDRESS');
    const empty = await registerCustomer(stack);
    const address = await stack.request(
      op('AddAddress'),
      { input: { fullName: 'E', line1: '1 St', city: 'X', postalCode: '1', country: 'US' } },
      empty.token,
    );
    expect((await checkout(empty.token, address.data.addAddress.address.id)).data.checkout.userErrors[0].code).toBe('EMPTY_CART');
  });

  it('answers the same order to 10 concurrent sends of one key, charges once, and refuses the key for another input', async () => {
    const { productId, variantId } = await stockedVariant(5);
    const buyer = await shopper(variantId, 2);
    const key = randomUUID();
    const sends = await Promise.all(Array.from({ length: 10 }, () => checkout(buyer.token, buyer.addressId, 'tok_visa', key)));
    const ids = new Set(sends.map((r) => r.data.checkout.order?.id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toBeTruthy();
    expect(sends.every((r) => r.data.checkout.order.status === 'CONFIRMED')).toBe(true);
    expect(await available(productId)).toBe(3);
    const mine = await stack.request(op('MyOrders'), {}, buyer.token);
    expect(mine.data.me.orders.totalCount).toBe(1);

    const later = await checkout(buyer.token, buyer.addressId, 'tok_visa', key);
    expect(later.data.checkout.order.id).toBe([...ids][0]);
    const changed = await checkout(buyer.token, buyer.addressId, 'tok_mastercard', key);
    expect(changed.data.checkout).toMatchObject({ order: null, userErrors: [{ code: 'IDEMPOTENCY_KEY_REUSED' }] });
  });

  it('settles a checkout once when a second run (a slow one that recovery overtook) settles it again', async () => {
    const { productId, variantId } = await stockedVariant(3);
    const buyer = await shopper(variantId);
    const first = await checkout(buyer.token, buyer.addressId);
    const orderId = first.data.checkout.order.id as string;
    const row = await db.query.checkouts.findFirst({ where: (c, { eq }) => eq(c.orderId, orderId) });
    // The checkout as the overtaken run read it: stock reserved, payment not yet asked for.
    expect(await runSaga({ ...row!, state: 'RESERVED', paymentToken: 'tok_visa' })).toEqual({ orderId, confirmed: undefined });
    const detail = await stack.request(op('OrderDetail'), { id: orderId }, buyer.token);
    expect(detail.data.order.status).toBe('CONFIRMED');
    expect(detail.data.order.events.map((e: { status: string }) => e.status)).toEqual(['PENDING_PAYMENT', 'CONFIRMED']);
    expect(detail.data.order.lines).toHaveLength(1);
    expect(await available(productId)).toBe(2);
  });

  it('sells the last 20 units to exactly 20 of 60 buyers checking out at once, twice over', async () => {
    const buyers = await Promise.all(Array.from({ length: 60 }, async () => {
      const customer = await registerCustomer(stack);
      const address = await stack.request(
        op('AddAddress'),
        { input: { fullName: 'Buyer', line1: '1 Main St', city: 'New York', region: 'NY', postalCode: '10001', country: 'US' } },
        customer.token,
      );
      return { ...customer, addressId: address.data.addAddress.address.id as string };
    }));
    for (let round = 0; round < 2; round++) {
      const { productId, variantId } = await stockedVariant(20);
      for (const buyer of buyers) {
        const added = await stack.request(op('AddToCart'), { variantId, quantity: 1 }, buyer.token);
        expect(added.data.addToCart.userErrors).toEqual([]);
      }
      const results = await Promise.all(buyers.map((b) => checkout(b.token, b.addressId)));
      const confirmed = results.filter((r) => r.data.checkout.order?.status === 'CONFIRMED');
      const refused = results.filter((r) => r.data.checkout.userErrors[0]?.code === 'INSUFFICIENT_STOCK');
      expect(confirmed).toHaveLength(20);
      expect(refused).toHaveLength(40);
      expect(await available(productId)).toBe(0);
      // Refused buyers keep their cart line; clear it for the next round.
      for (const buyer of buyers) {
        const cart = await stack.request(op('Cart'), {}, buyer.token);
        for (const line of cart.data.me.cart.lines) await stack.request(op('RemoveCartLine'), { lineId: line.id }, buyer.token);
      }
    }
  }, 120_000);
});
