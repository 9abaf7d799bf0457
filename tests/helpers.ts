/** Steps shared by the end-to-end tests, each through the gateway with the contract's operations. */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { op } from '../scripts/contract';
import { startStack, type Stack } from '../scripts/stack';

export const PASSWORD = 'correct horse battery';

/** A fresh customer account: its access token, refresh token and id. */
export async function registerCustomer(stack: Stack, name = 'Test Customer') {
  const email = `${randomUUID()}@test.marketplace`;
  const res = await stack.request(op('Register'), { input: { email, password: PASSWORD, name } });
  expect(res.errors).toBeUndefined();
  expect(res.data.register.userErrors).toEqual([]);
  const { accessToken, refreshToken, user } = res.data.register;
  return { email, token: accessToken as string, refreshToken: refreshToken as string, userId: user.id as string };
}

/** A customer who opened a store: the token carries SELLER. */
export async function registerSeller(stack: Stack, storeName = `Store ${randomUUID().slice(0, 8)}`) {
  const customer = await registerCustomer(stack, 'Test Seller');
  const res = await stack.request(op('BecomeSeller'), { storeName }, customer.token);
  expect(res.data.becomeSeller.userErrors).toEqual([]);
  return { ...customer, token: res.data.becomeSeller.accessToken as string, sellerId: res.data.becomeSeller.seller.id as string, storeName };
}

/** The operator account ensured at start (ADMIN_EMAIL / ADMIN_PASSWORD, dev defaults in tests). */
export async function operatorToken(stack: Stack): Promise<string> {
  const res = await stack.request(op('Login'), {
    email: process.env.ADMIN_EMAIL ?? 'admin@marketplace.local',
    password: process.env.ADMIN_PASSWORD ?? 'admin-password',
  });
  expect(res.data.login.userErrors).toEqual([]);
  return res.data.login.accessToken;
}

/**
 * The graph running in this process with what most tests start from: the operator's token, a
 * category and a warehouse (region NY).
 */
export async function startMarketplace(opts: { inProcess?: boolean } = {}) {
  const stack = await startStack(opts);
  const admin = await operatorToken(stack);
  const categoryId = (await createCategory(stack, admin)).id;
  const warehouseId = (await createWarehouse(stack, admin)).id;
  return { stack, admin, categoryId, warehouseId };
}

export async function createCategory(stack: Stack, adminToken: string, parentId?: string) {
  const slug = `cat-${randomUUID().slice(0, 12)}`;
  const res = await stack.request(op('CreateCategory'), { input: { name: `Category ${slug}`, slug, parentId } }, adminToken);
  expect(res.data.createCategory.userErrors).toEqual([]);
  return res.data.createCategory.category as { id: string; name: string; slug: string };
}

export async function createWarehouse(stack: Stack, adminToken: string, region = 'NY') {
  const code = `WH-${randomUUID().slice(0, 8).toUpperCase()}`;
  const res = await stack.request(op('CreateWarehouse'), { input: { code, name: `Warehouse ${code}`, region } }, adminToken);
  expect(res.data.createWarehouse.userErrors).toEqual([]);
  return res.data.createWarehouse.warehouse as { id: string; code: string };
}

export async function createProduct(
  stack: Stack,
  sellerToken: string,
  categoryId: string,
  overrides: Partial<{ title: string; brand: string; prices: number[]; status: 'ACTIVE' | 'DRAFT' }> = {},
) {
  const tag = randomUUID().slice(0, 8);
  const prices = overrides.prices ?? [2500, 1999];
  const res = await stack.request(
    op('CreateProduct'),
    {
      input: {
        title: overrides.title ?? `Trail Runner ${tag}`,
        description: 'A light shoe for long days on rough ground.',
        brand: overrides.brand ?? 'Stride',
        categoryId,
        images: [`https://images.test/${tag}.jpg`],
        status: overrides.status,
        variants: prices.map((price, i) => ({
          sku: `SKU-${tag}-${i}`,
          title: `Size ${40 + i}`,
          attributes: [{ name: 'Size', value: String(40 + i) }],
          price,
        })),
      },
    },
    sellerToken,
  );
  expect(res.errors).toBeUndefined();
  expect(res.data.createProduct.userErrors).toEqual([]);
  return res.data.createProduct.product as { id: string; variants: { id: string; sku: string }[] };
}

export async function setStock(stack: Stack, token: string, variantId: string, warehouseId: string, onHand: number) {
  const res = await stack.request(op('SetStock'), { variantId, warehouseId, onHand }, token);
  expect(res.errors).toBeUndefined();
  expect(res.data.setStock.userErrors).toEqual([]);
  return res.data.setStock.stock as { variantId: string; available: number; inStock: boolean };
}

/** A customer's purchase of `lines`: a New York address, the lines in the cart, checkout with tok_visa. */
export async function checkoutCart(stack: Stack, buyerToken: string, lines: { variantId: string; quantity: number }[]) {
  const address = await stack.request(
    op('AddAddress'),
    { input: { fullName: 'Jo Buyer', line1: '5 Elm St', city: 'Albany', region: 'NY', postalCode: '12207', country: 'US' } },
    buyerToken,
  );
  for (const line of lines) await stack.request(op('AddToCart'), line, buyerToken);
  const res = await stack.request(
    op('Checkout'),
    { input: { idempotencyKey: randomUUID(), shippingAddressId: address.data.addAddress.address.id, paymentToken: 'tok_visa' } },
    buyerToken,
  );
  expect(res.data.checkout.userErrors).toEqual([]);
  return res.data.checkout.order;
}

/** Two stores' products in one cart, bought with tok_visa: the order, its lines by store, the tokens. */
export async function placeOrderFromTwoStores(stack: Stack, categoryId: string, warehouseId: string) {
  const storeA = await registerSeller(stack);
  const storeB = await registerSeller(stack);
  const a = await createProduct(stack, storeA.token, categoryId, { prices: [3000] });
  const b = await createProduct(stack, storeB.token, categoryId, { prices: [1000] });
  await setStock(stack, storeA.token, a.variants[0]!.id, warehouseId, 10);
  await setStock(stack, storeB.token, b.variants[0]!.id, warehouseId, 10);
  const buyer = await registerCustomer(stack);
  const order = await checkoutCart(stack, buyer.token, [
    { variantId: a.variants[0]!.id, quantity: 2 },
    { variantId: b.variants[0]!.id, quantity: 1 },
  ]);
  const lineOf = (variantId: string) => order.lines.find((l: { variant: { id: string } }) => l.variant.id === variantId).id as string;
  return { order, buyer, storeA, storeB, lineA: lineOf(a.variants[0]!.id), lineB: lineOf(b.variants[0]!.id), productA: a.id };
}
