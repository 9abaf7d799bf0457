/**
 * Runs the authorization matrix (tests/authorization/matrix.ts) through the gateway: every row's
 * operation as every identity, each cell compared with the expected outcome.
 *
 * Fixtures are made once: sellers A and B with products and stock, the first customer's orders in
 * several states holding A's line, A's keys with each single scope, a second customer, the
 * operator. Every cell of a row aims at the same objects (A's, the first customer's), so the other
 * seller and the other customer are guessing ids. Within a row, the cells expected to be refused
 * run first, concurrently, on the shared fixtures; then the cells expected to succeed, each on a
 * fixture of its own where succeeding consumes it (an order can be shipped once), so no cell's
 * outcome depends on another's.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES, type Scope } from '@marketplace/runtime';
import { op } from '../scripts/contract';
import type { GraphQLResult } from '../scripts/graphql-client';
import { startStack, type Stack } from '../scripts/stack';
import { IDENTITIES, MATRIX, type IdentityName, type MatrixRow, type Outcome } from './authorization/matrix';
import { httpRunner, wsRunner, type CellRequest } from './authorization/transport';
import { createCategory, createProduct, createWarehouse, operatorToken, PASSWORD, registerCustomer, registerSeller, setStock } from './helpers';

type Vars = Record<string, unknown>;
/** A cell's variables, and a token replacing the identity's own when the cell needs a fresh account. */
type Prepared = { variables: Vars; token?: string; trigger?: () => Promise<unknown> };

interface CellSpec {
  /** Variables of every cell (called once per cell; may prepare the caller's own state). */
  shared(identity: IdentityName): Promise<Prepared> | Prepared;
  /** For cells expected to succeed when success consumes the target: a target of their own. */
  fresh?(identity: IdentityName): Promise<Prepared>;
}

let stack: Stack;
const tokens = {} as Record<IdentityName, string | undefined>;
let world: Awaited<ReturnType<typeof buildWorld>>;
const ADDRESS = { fullName: 'Jo Buyer', line1: '5 Elm St', city: 'Albany', region: 'NY', postalCode: '12207', country: 'US' };

async function must(document: string, variables: Vars, token?: string): Promise<any> {
  const res = await stack.request(document, variables, token);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  const payload = Object.values(res.data as object)[0];
  if (payload && typeof payload === 'object' && 'userErrors' in payload) expect(payload.userErrors).toEqual([]);
  return payload;
}

/** Serializes what goes through the first customer's one cart. */
let cartQueue: Promise<unknown> = Promise.resolve();
function withCustomerCart<T>(task: () => Promise<T>): Promise<T> {
  const run = cartQueue.then(task);
  cartQueue = run.catch(() => undefined);
  return run;
}

async function buildWorld() {
  const admin = await operatorToken(stack);
  const [category, warehouse, sellerA, sellerB, customer, otherCustomer] = await Promise.all([
    createCategory(stack, admin),
    createWarehouse(stack, admin),
    registerSeller(stack),
    registerSeller(stack),
    registerCustomer(stack, 'First Customer'),
    registerCustomer(stack, 'Other Customer'),
  ]);
  const [productA, productA2, draftA, productB] = await Promise.all([
    createProduct(stack, sellerA.token, category.id, { title: `Matrix Lantern ${randomUUID().slice(0, 6)}` }),
    createProduct(stack, sellerA.token, category.id),
    createProduct(stack, sellerA.token, category.id, { status: 'DRAFT' }),
    createProduct(stack, sellerB.token, category.id),
  ]);
  await Promise.all([
    ...productA.variants.map((v) => setStock(stack, sellerA.token, v.id, warehouse.id, 1000)),
    setStock(stack, sellerA.token, productA2.variants[0]!.id, warehouse.id, 1000),
    setStock(stack, sellerB.token, productB.variants[0]!.id, warehouse.id, 1000),
  ]);
  const keyList = await Promise.all(
    [...SCOPES, 'spare' as const].map(async (scope) => {
      const created = await must(op('CreateApiKey'), { name: `matrix ${scope}`, scopes: scope === 'spare' ? ['PRODUCTS_READ'] : [scope] }, sellerA.token);
      return [scope, { id: created.apiKey.id as string, secret: created.secret as string }] as const;
    }),
  );
  const keys = Object.fromEntries(keyList) as Record<Scope | 'spare', { id: string; secret: string }>;
  const addressId = (await must(op('AddAddress'), { input: ADDRESS }, customer.token)).address.id as string;
  const spareAddressId = (await must(op('AddAddress'), { input: { ...ADDRESS, line1: '7 Oak St' } }, customer.token)).address.id as string;
  const review = await must(
    op('WriteReview'),
    { input: { productId: productA2.id, rating: 5, title: 'Bright', body: 'Lights the whole tent.' } },
    customer.token,
  );
  expect(review.review.status).toBe('PUBLISHED');
  return {
    admin, category, warehouse, sellerA, sellerB, customer: { ...customer, addressId, spareAddressId }, otherCustomer,
    productA, productA2, draftA, productB, keys, reviewId: review.review.id as string,
  };
}

const variantA = () => world.productA.variants[0]!.id;

/** A confirmed order of the first customer holding one line, of A's variant. */
function buyOrder(): Promise<{ orderId: string; lineId: string }> {
  return withCustomerCart(async () => {
    const token = world.customer.token;
    const cart = (await must(op('Cart'), {}, token)).cart;
    for (const line of cart.lines) await must(op('RemoveCartLine'), { lineId: line.id }, token);
    await must(op('AddToCart'), { variantId: variantA(), quantity: 1 }, token);
    const { order } = await must(
      op('Checkout'),
      { input: { idempotencyKey: randomUUID(), shippingAddressId: world.customer.addressId, paymentToken: 'tok_visa' } },
      token,
    );
    expect(order.status).toBe('CONFIRMED');
    return { orderId: order.id, lineId: order.lines[0].id };
  });
}
async function shippedOrder() {
  const order = await buyOrder();
  const shipped = await must(
    op('ShipOrderLines'),
    { input: { orderId: order.orderId, lineIds: [order.lineId], carrier: 'UPS', trackingNumber: `1Z${randomUUID().slice(0, 10)}` } },
    world.sellerA.token,
  );
  const detail = await must(op('OrderDetail'), { id: order.orderId }, world.customer.token);
  return { ...order, shipmentId: shipped.shipment.id as string, paymentId: detail.payment.id as string };
}
async function deliveredOrder() {
  const order = await shippedOrder();
  await must(op('MarkShipmentDelivered'), { id: order.shipmentId }, world.sellerA.token);
  return order;
}
async function returnRequest() {
  const order = await deliveredOrder();
  const asked = await must(op('RequestReturn'), { orderId: order.orderId, lineIds: [order.lineId], reason: 'Too small' }, world.customer.token);
  return asked.returnRequest.id as string;
}
/** A review held for moderation (it carries a link), by a customer of its own. */
async function pendingReview() {
  const author = await registerCustomer(stack);
  const { review } = await must(
    op('WriteReview'),
    { input: { productId: world.productA2.id, rating: 1, title: 'Cheaper elsewhere', body: 'Buy it at www.example.com instead.' } },
    author.token,
  );
  expect(review.status).toBe('PENDING_MODERATION');
  return review.id as string;
}
/** A notification in the first customer's inbox (the confirmation of an order of theirs). */
async function customerNotification(): Promise<string> {
  await sharedOrder();
  for (let waited = 0; waited < 30_000; waited += 100) {
    const inbox = await must(op('Notifications'), { first: 1 }, world.customer.token);
    const first = inbox.notifications.edges[0];
    if (first) return first.node.id as string;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the customer was not notified of their order');
}

/** Whether the identity is an account (so it has a cart, an address book…). */
const isAccount = (identity: IdentityName) => identity !== 'anonymous' && !identity.startsWith('key:');

/** Fixtures shared by the cells of several rows, made on first use. */
const once = <T>(make: () => Promise<T>) => {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
};
const sharedOrder = once(buyOrder);
const sharedShipped = once(shippedOrder);
const sharedDelivered = once(deliveredOrder);
const sharedReturn = once(returnRequest);
const sharedPendingReview = once(pendingReview);
const sharedNotification = once(customerNotification);
/** A line in the first customer's cart, whatever other rows did to the cart before. */
const customerCartLine = () =>
  withCustomerCart(async () => (await must(op('AddToCart'), { variantId: variantA(), quantity: 1 }, world.customer.token)).cart.lines[0].id as string);

const vars = (variables: Vars): Prepared => ({ variables });
/** A stock count of A's first variant that changes what is available (for stock events). */
let recounts = 0;
const recountStockA = () => must(op('SetStock'), { variantId: variantA(), warehouseId: world.warehouse.id, onHand: 1000 + (++recounts % 2) }, world.sellerA.token);
/** Restocks a variant, then counts 1 unit: a fall to the low-stock threshold. */
async function dropToOne(token: string, variantId: string) {
  await must(op('SetStock'), { variantId, warehouseId: world.warehouse.id, onHand: 50 }, token);
  await must(op('SetStock'), { variantId, warehouseId: world.warehouse.id, onHand: 1 }, token);
}
const unique = () => randomUUID().slice(0, 8);

/**
 * An account of its own for each cell: every identity signs in at once, and that many sign-ins of
 * one account would meet its limit of attempts (RATE_LIMITED).
 */
const newAccount = async () => {
  const email = `${randomUUID()}@matrix.test`;
  const registered = await must(op('Register'), { input: { email, password: PASSWORD, name: 'Matrix' } });
  return { email, refreshToken: registered.refreshToken as string };
};

const SPECS: Record<string, CellSpec> = {
  Register: { shared: () => vars({ input: { email: `${randomUUID()}@matrix.test`, password: PASSWORD, name: 'Matrix' } }) },
  Login: { shared: async () => vars({ email: (await newAccount()).email, password: PASSWORD }) },
  RefreshSession: { shared: async () => vars({ refreshToken: (await newAccount()).refreshToken }) },
  Logout: { shared: async () => vars({ refreshToken: (await newAccount()).refreshToken }) },
  Me: { shared: () => vars({}) },
  AddAddress: { shared: () => vars({ input: { ...ADDRESS, line1: `${unique()} Pine St` } }) },
  AddToWishlist: { shared: () => vars({ productId: world.productA.id }) },
  RemoveFromWishlist: { shared: () => vars({ productId: world.productA.id }) },
  'AddToWishlist: draft': { shared: () => vars({ productId: world.draftA.id }) },
  Categories: { shared: () => vars({}) },
  Catalog: { shared: () => vars({ filter: { sellerId: world.sellerA.sellerId } }) },
  Suggest: { shared: () => vars({ prefix: 'Matrix Lant' }) },
  ProductPage: { shared: () => vars({ id: world.productA.id }) },
  'ProductPage: draft': { shared: () => vars({ id: world.draftA.id }) },
  Cart: { shared: () => vars({}) },
  AddToCart: { shared: () => vars({ variantId: world.productA.variants[1]!.id, quantity: 1 }) },
  'AddToCart: draft': { shared: () => vars({ variantId: world.draftA.variants[0]!.id, quantity: 1 }) },
  UpdateCartLine: { shared: async () => vars({ lineId: await customerCartLine(), quantity: 2 }) },
  RemoveCartLine: { shared: async () => vars({ lineId: await customerCartLine() }) },
  Checkout: {
    // Each account checks out a cart of its own, with the first customer's address.
    shared: async (identity) => {
      if (isAccount(identity)) {
        const add = () => must(op('AddToCart'), { variantId: variantA(), quantity: 1 }, tokens[identity]);
        await (identity === 'customer' ? withCustomerCart(add) : add());
      }
      return vars({ input: { idempotencyKey: randomUUID(), shippingAddressId: world.customer.addressId, paymentToken: 'tok_visa' } });
    },
  },
  MyOrders: { shared: () => vars({}) },
  OrderDetail: { shared: async () => vars({ id: (await sharedOrder()).orderId }) },
  CancelOrder: {
    shared: async () => vars({ id: (await sharedOrder()).orderId }),
    fresh: async () => vars({ id: (await buyOrder()).orderId }),
  },
  RequestReturn: {
    shared: async () => {
      const { orderId, lineId } = await sharedDelivered();
      return vars({ orderId, lineIds: [lineId], reason: 'Too small' });
    },
    fresh: async () => {
      const { orderId, lineId } = await deliveredOrder();
      return vars({ orderId, lineIds: [lineId], reason: 'Too small' });
    },
  },
  WriteReview: { shared: () => vars({ input: { productId: world.productA.id, rating: 4, title: 'Fine', body: 'Does what it says.' } }) },
  'WriteReview: draft': { shared: () => vars({ input: { productId: world.draftA.id, rating: 4, title: 'Fine', body: 'Does what it says.' } }) },
  MarkReviewHelpful: { shared: () => vars({ id: world.reviewId }) },
  BecomeSeller: {
    shared: () => vars({ storeName: `Matrix Store ${unique()}` }),
    // Customers open their store as accounts of their own, so the shared ones stay customers.
    fresh: async (identity) => ({
      variables: { storeName: `Matrix Store ${unique()}` },
      token: identity === 'operator' ? undefined : (await registerCustomer(stack)).token,
    }),
  },
  SellerDashboard: { shared: () => vars({}) },
  Warehouses: { shared: () => vars({}) },
  CreateProduct: {
    shared: () =>
      vars({
        input: {
          title: `Matrix Product ${unique()}`,
          description: 'Made by the authorization matrix.',
          brand: 'Matrix',
          categoryId: world.category.id,
          images: [],
          variants: [{ sku: `MX-${unique()}`, title: 'One size', attributes: [], price: 1000 }],
        },
      }),
  },
  UpdateProduct: { shared: () => vars({ id: world.productA.id, input: { brand: 'Stride' } }) },
  SetStock: { shared: () => vars({ variantId: variantA(), warehouseId: world.warehouse.id, onHand: 1000 }) },
  'SetStock: never stocked': { shared: () => vars({ variantId: world.draftA.variants[1]!.id, warehouseId: world.warehouse.id, onHand: 0 }) },
  ShipOrderLines: {
    shared: async () => {
      const { orderId, lineId } = await sharedOrder();
      return vars({ input: { orderId, lineIds: [lineId], carrier: 'UPS', trackingNumber: `1Z${unique()}` } });
    },
    fresh: async () => {
      const { orderId, lineId } = await buyOrder();
      return vars({ input: { orderId, lineIds: [lineId], carrier: 'UPS', trackingNumber: `1Z${unique()}` } });
    },
  },
  MarkShipmentDelivered: {
    shared: async () => vars({ id: (await sharedShipped()).shipmentId }),
    fresh: async () => vars({ id: (await shippedOrder()).shipmentId }),
  },
  CreateApiKey: { shared: () => vars({ name: `matrix ${unique()}`, scopes: ['PRODUCTS_READ'] }) },
  RevokeApiKey: { shared: () => vars({ id: world.keys.spare.id }) },
  CreateCategory: { shared: () => vars({ input: { name: `Matrix ${unique()}`, slug: `matrix-${unique()}` } }) },
  CreateWarehouse: { shared: () => vars({ input: { code: `MX-${unique().toUpperCase()}`, name: 'Matrix warehouse', region: 'NY' } }) },
  AllOrders: { shared: () => vars({ first: 5 }) },
  ModerationQueue: { shared: () => vars({ first: 5 }) },
  ModerateReview: {
    shared: async () => vars({ id: await sharedPendingReview(), decision: 'REJECT' }),
    fresh: async () => vars({ id: await pendingReview(), decision: 'APPROVE' }),
  },
  ApproveReturn: {
    shared: async () => vars({ id: await sharedReturn() }),
    fresh: async () => vars({ id: await returnRequest() }),
  },
  RefundPayment: { shared: async () => vars({ paymentId: (await sharedShipped()).paymentId, amount: 100, reason: 'matrix' }) },
  TrackOrder: {
    shared: async () => vars({ id: (await sharedOrder()).orderId }),
    // The order's customer and operators follow an order of their own, which A then ships.
    fresh: async () => {
      const { orderId, lineId } = await buyOrder();
      let shipped: Promise<unknown> | undefined;
      const ship = () =>
        must(op('ShipOrderLines'), { input: { orderId, lineIds: [lineId], carrier: 'UPS', trackingNumber: `1Z${unique()}` } }, world.sellerA.token);
      return { variables: { id: orderId }, trigger: () => (shipped ??= ship()) };
    },
  },
  WatchStock: { shared: () => ({ variables: { productId: world.productA.id }, trigger: recountStockA }) },
  LowStockAlerts: {
    shared: () => vars({}),
    // A store's own variant falls to 1 unit (the default threshold is 5).
    fresh: async (identity) => {
      const [token, variantId] =
        identity === 'otherSeller' ? [world.sellerB.token, world.productB.variants[1]!.id] : [world.sellerA.token, world.productA2.variants[1]!.id];
      return { variables: {}, trigger: () => dropToOne(token, variantId) };
    },
  },
  'stockChanged: stock details': { shared: () => ({ variables: { productId: world.productA.id }, trigger: recountStockA }) },
  Notifications: { shared: () => vars({ first: 5 }) },
  MarkNotificationsRead: { shared: async () => vars({ ids: [await sharedNotification()] }) },
  NotificationPreferences: { shared: () => vars({}) },
  UpdateNotificationPreferences: { shared: () => vars({ input: [{ kind: 'LOW_STOCK', enabled: true }] }) },
  NotificationFailures: { shared: () => vars({ first: 5 }) },
  RetryNotification: { shared: () => vars({ id: randomUUID() }) },
  'User.notifications: through an order': { shared: async () => vars({ id: (await sharedOrder()).orderId }) },
  'Seller.orders': { shared: () => vars({ id: world.sellerA.sellerId }) },
  'Seller.revenue': { shared: () => vars({ id: world.sellerA.sellerId }) },
  'Seller.lowStock': { shared: () => vars({ id: world.sellerA.sellerId }) },
  'Seller.apiKeys': { shared: () => vars({ id: world.sellerA.sellerId }) },
  'Seller.products: drafts': { shared: () => vars({ id: world.sellerA.sellerId }) },
  'VariantStock details': { shared: () => vars({ id: world.productA.id }) },
  'Order.payment': { shared: async () => vars({ id: (await sharedOrder()).orderId }) },
  'Order.customer': { shared: async () => vars({ id: (await sharedOrder()).orderId }) },
  setLowStockThreshold: { shared: () => vars({ variantId: variantA(), threshold: 5 }) },
  addProductVariant: { shared: () => vars({ productId: world.draftA.id, input: { sku: `MX-${unique()}`, title: 'Extra', price: 1500 } }) },
  updateProductVariant: { shared: () => vars({ id: variantA(), input: { title: 'Size 40' } }) },
  updateAddress: { shared: () => vars({ id: world.customer.addressId, input: { ...ADDRESS, isDefault: true } }) },
  removeAddress: { shared: () => vars({ id: world.customer.spareAddressId }) },
  rejectReturn: {
    shared: async () => vars({ id: await sharedReturn() }),
    fresh: async () => vars({ id: await returnRequest() }),
  },
};

/** What a response amounts to, in the matrix's terms. */
function outcomeOf(row: MatrixRow, res: GraphQLResult): Outcome {
  if (res.errors?.length) return [...new Set(res.errors.map((e) => String(e.extensions?.code ?? 'NO_CODE')))].join('+');
  if (row.visible) return row.visible(res.data) ? 'ALLOWED' : 'HIDDEN';
  const root = Object.values(res.data ?? {})[0] as { userErrors?: { code: string }[] } | null | undefined;
  if (root == null) return 'HIDDEN';
  if (root.userErrors?.length) return root.userErrors.map((e) => e.code).join('+');
  return 'ALLOWED';
}

async function runCell(row: MatrixRow, identity: IdentityName, prepared: Prepared) {
  const runner = row.transport === 'ws' ? wsRunner! : httpRunner;
  const request: CellRequest = {
    document: row.document ?? op(row.operation),
    variables: prepared.variables,
    token: prepared.token ?? tokens[identity],
    trigger: prepared.trigger,
  };
  const res = await runner(stack, request);
  return { identity, outcome: outcomeOf(row, res), detail: res.errors?.[0]?.message ?? '' };
}

beforeAll(async () => {
  stack = await startStack();
  world = await buildWorld();
  Object.assign(tokens, {
    anonymous: undefined,
    customer: world.customer.token,
    otherCustomer: world.otherCustomer.token,
    seller: world.sellerA.token,
    otherSeller: world.sellerB.token,
    ...Object.fromEntries(SCOPES.map((s) => [`key:${s}`, world.keys[s].secret])),
    operator: world.admin,
  });
}, 120_000);
afterAll(() => stack?.stop());

describe('the authorization matrix, through the gateway', () => {
  it('has a way to run every row', () => {
    expect(Object.keys(SPECS).sort()).toEqual(MATRIX.map((r) => r.id).sort());
  });

  for (const row of MATRIX) {
    const skipped = row.transport === 'ws' && !wsRunner;
    const name = skipped ? `${row.id} (SKIPPED: subscriptions need the graphql-ws runner, tests/authorization/transport.ts)` : row.id;
    it.skipIf(skipped)(name, async () => {
      const spec = SPECS[row.id]!;
      const succeeds = (i: IdentityName) => row.expected[i] === 'ALLOWED';
      const refused = IDENTITIES.filter((i) => !succeeds(i));
      const allowed = IDENTITIES.filter(succeeds);
      const results = await Promise.all(refused.map(async (i) => runCell(row, i, await spec.shared(i))));
      results.push(...(await Promise.all(allowed.map(async (i) => runCell(row, i, await (spec.fresh ?? spec.shared)(i))))));
      const actual = Object.fromEntries(results.map((r) => [r.identity, r.outcome]));
      const details = Object.fromEntries(results.filter((r) => r.outcome !== row.expected[r.identity]).map((r) => [r.identity, r.detail]));
      expect(actual, `unexpected outcomes (first error messages: ${JSON.stringify(details)})`).toEqual(row.expected);
    });
  }
});
