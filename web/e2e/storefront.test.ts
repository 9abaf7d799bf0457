/**
 * The storefront and the seller console in a real browser (chromium through playwright-core),
 * against the whole graph running in this process, on a small marketplace seeded here: two stores,
 * products of three brands under one search word, stock in a warehouse. Each journey ends with a
 * screenshot of its last screen under test-artifacts/e2e/.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { op } from '../../scripts/contract';
import { startStack, type Stack } from '../../scripts/stack';
import { buildWebIfStale } from '../../scripts/web';
import { checkoutCart, createCategory, createProduct, createWarehouse, operatorToken, PASSWORD, registerCustomer, registerSeller, setStock } from '../../tests/helpers';
import { eventually, launchBrowser, newContext, screenshot, shown, signIn, textOf } from './browser';

let stack: Stack;
let browser: Browser;
let baseURL: string;
let categoryId: string;
let warehouseId: string;
let warehouseCode: string;
/** One made-up word in every seeded title, so searches find exactly these products. */
const WORD = `lumenx${randomUUID().slice(0, 6).replace(/[0-9-]/g, 'q')}`;
let seller: Awaited<ReturnType<typeof registerSeller>>;
let lamp: { id: string; variants: { id: string; sku: string }[] };

beforeAll(async () => {
  buildWebIfStale();
  stack = await startStack();
  const admin = await operatorToken(stack);
  categoryId = (await createCategory(stack, admin)).id;
  ({ id: warehouseId, code: warehouseCode } = await createWarehouse(stack, admin));
  baseURL = stack.gatewayUrl.replace(/\/graphql$/, '');
  seller = await registerSeller(stack, `Lumen Works ${WORD.slice(-4)}`);
  const other = await registerSeller(stack, `Brightside ${WORD.slice(-4)}`);
  const catalog: [typeof seller, string, string, number][] = [
    [seller, `Aurora desk lamp ${WORD}`, 'Aurora', 4900],
    [seller, `Aurora floor lamp ${WORD}`, 'Aurora', 12900],
    [seller, `Beacon reading lamp ${WORD}`, 'Beacon', 2900],
    [other, `Beacon clip lamp ${WORD}`, 'Beacon', 1900],
    [other, `Corona pendant lamp ${WORD}`, 'Corona', 8900],
    [other, `Corona wall lamp ${WORD}`, 'Corona', 6900],
  ];
  const made = [];
  for (const [store, title, brand, price] of catalog) {
    const product = await createProduct(stack, store.token, categoryId, { title, brand, prices: [price] });
    await setStock(stack, store.token, product.variants[0]!.id, warehouseId, 20);
    made.push(product);
  }
  lamp = made[0]!;
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** The seller console's form setting one variant's stock in the seeded warehouse (other tests' warehouses are listed too). */
function stockForm(page: Page, sku: string) {
  return page.locator('form.inline').filter({ has: page.getByLabel(`${sku} on hand at ${warehouseCode}`, { exact: true }) });
}

async function ordersOf(token: string) {
  const res = await stack.request(op('MyOrders'), { first: 20 }, token);
  return res.data.me.orders.edges.map((e: { node: { id: string; status: string } }) => e.node) as { id: string; status: string }[];
}

async function availableOf(productId: string): Promise<number> {
  const res = await stack.request(op('ProductPage'), { id: productId });
  return res.data.product.variants[0].stock.available;
}

/** Waits until the gateway holds `count` more subscriptions than `before` (the page subscribed, so no event can be missed). */
async function subscribed(before: number, count = 1): Promise<void> {
  await expect.poll(() => stack.subscriptionStats().clients, { timeout: 20_000 }).toBeGreaterThanOrEqual(before + count);
}

// A journey is a few seconds alone; the whole suite runs beside it in CI, so each may take longer.
describe('storefront in a browser', { timeout: 90_000 }, () => {
  it('a shopper searches, filters by a facet, opens a product, adds it to the cart and checks out once, however often "Place order" is clicked', async () => {
    const shopper = await registerCustomer(stack, 'Sam Shopper');
    const context = await newContext(browser, baseURL);
    const page = await context.newPage();
    await signIn(page, shopper.email, PASSWORD);

    await page.goto('/');
    const search = page.getByRole('searchbox', { name: 'Search products' });
    await search.fill(WORD.slice(0, 8));
    // Suggestions as the shopper types.
    await eventually(() => page.locator('#suggestions li').count()).toBeGreaterThan(0);
    await search.fill(WORD);
    await search.press('Enter');
    await eventually(() => textOf(page.getByRole('heading', { level: 1 }))).toBe(`6 products for “${WORD}”`);

    await eventually(() => page.locator('.product-grid li').count()).toBe(6);
    await screenshot(page, 'catalog');

    // The facet lives in the URL; the router applies it in a transition, so the box shows ticked once the page follows.
    await page.getByRole('checkbox', { name: /Aurora/ }).click();
    await eventually(() => textOf(page.getByRole('heading', { level: 1 }))).toBe(`2 products for “${WORD}”`);
    await eventually(() => page.locator('.product-grid li').count()).toBe(2);
    expect(await page.getByRole('checkbox', { name: /Aurora/ }).isChecked()).toBe(true);

    await page.getByRole('link', { name: `Aurora desk lamp ${WORD}` }).click();
    await eventually(() => textOf(page.getByRole('heading', { level: 1 }))).toBe(`Aurora desk lamp ${WORD}`);
    await page.getByLabel('Quantity').selectOption('2');
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByRole('link', { name: /View cart \(2\)/ }).click();
    await shown(page.getByRole('heading', { name: 'Your cart' }));
    await eventually(() => textOf(page.locator('.total'))).toContain('$98.00');
    await page.getByRole('link', { name: 'Proceed to checkout' }).click();

    // No address yet: the shopper adds one on the way.
    await page.getByLabel('Full name').fill('Sam Shopper');
    await page.getByLabel('Address line 1').fill('5 Elm St');
    await page.getByLabel('City').fill('Albany');
    await page.getByLabel('Region').fill('NY');
    await page.getByLabel('Postal code').fill('12207');
    await page.getByRole('button', { name: 'Save address' }).click();
    await page.getByLabel('Card').selectOption('tok_visa');

    await page.getByRole('button', { name: 'Place order' }).dblclick();
    await shown(page.getByText(/Thank you! Your order #\S+ is placed/));
    await eventually(() => textOf(page.getByRole('heading', { level: 1 }))).toContain('CONFIRMED');

    const orders = await ordersOf(shopper.token);
    expect(orders.map((o) => o.status)).toEqual(['CONFIRMED']);
    expect(page.url()).toContain(`/orders/${orders[0]!.id}`);
    expect(await availableOf(lamp.id)).toBe(18);
    await screenshot(page, '1-checkout-confirmed');
    await context.close();
  });

  it('the order page shows SHIPPED and the tracking number as the seller ships, without reload', async () => {
    const store = await registerSeller(stack);
    const product = await createProduct(stack, store.token, categoryId, { title: `Halo bedside lamp ${WORD}`, brand: 'Halo', prices: [3900] });
    await setStock(stack, store.token, product.variants[0]!.id, warehouseId, 5);
    const buyer = await registerCustomer(stack, 'Tess Tracker');
    const order = await checkoutCart(stack, buyer.token, [{ variantId: product.variants[0]!.id, quantity: 1 }]);

    const shopperContext = await newContext(browser, baseURL);
    const orderPage = await shopperContext.newPage();
    await signIn(orderPage, buyer.email, PASSWORD);
    const before = stack.subscriptionStats().clients;
    await orderPage.goto(`/orders/${order.id}`);
    await eventually(() => textOf(orderPage.getByRole('heading', { level: 1 }))).toContain('CONFIRMED');
    await subscribed(before);

    const sellerContext = await newContext(browser, baseURL);
    const console_ = await sellerContext.newPage();
    await signIn(console_, store.email, PASSWORD);
    await console_.goto('/seller');
    const shipForm = console_.getByRole('form', { name: `Ship order ${order.number}` });
    await shipForm.getByLabel('Carrier').selectOption('UPS');
    await shipForm.getByLabel('Tracking number').fill('1Z999AA10123456784');
    await shipForm.getByRole('button', { name: 'Ship selected lines' }).click();
    await shown(console_.getByText(/UPS 1Z999AA10123456784/));

    // The first page, never reloaded.
    await eventually(() => textOf(orderPage.getByRole('heading', { level: 1 }))).toContain('SHIPPED');
    await eventually(() => textOf(orderPage.getByTestId('shipments'))).toContain('1Z999AA10123456784');
    await eventually(() => textOf(orderPage.getByTestId('shipments'))).toContain('UPS');
    await screenshot(orderPage, '2-live-tracking');
    await sellerContext.close();
    await shopperContext.close();
  });

  it('a product page shows a stock change made by the seller, without reload', async () => {
    const shopperContext = await newContext(browser, baseURL);
    const productPage = await shopperContext.newPage();
    const before = stack.subscriptionStats().clients;
    await productPage.goto(`/products/${lamp.id}`);
    const sku = lamp.variants[0]!.sku;
    await eventually(() => textOf(productPage.getByTestId(`available-${sku}`))).toBe(String(await availableOf(lamp.id)));
    await subscribed(before);

    const sellerContext = await newContext(browser, baseURL);
    const console_ = await sellerContext.newPage();
    await signIn(console_, seller.email, PASSWORD);
    await console_.goto(`/seller/products/${lamp.id}`);
    const form = stockForm(console_, sku);
    await form.getByRole('spinbutton').fill('42');
    await form.getByRole('button', { name: 'Set', exact: true }).click();
    await shown(form.getByText(/Saved: \d+ available/));
    const available = await availableOf(lamp.id);

    await eventually(() => textOf(productPage.getByTestId(`available-${sku}`))).toBe(String(available));
    await eventually(() => textOf(productPage.getByTestId('stock'))).toBe(`${available} in stock`);
    await screenshot(productPage, '3-live-stock');
    await sellerContext.close();
    await shopperContext.close();
  });

  it('a declined card shows the contract\'s error and buys nothing', async () => {
    const buyer = await registerCustomer(stack, 'Dee Clined');
    await stack.request(
      op('AddAddress'),
      { input: { fullName: 'Dee Clined', line1: '1 Main St', city: 'Albany', region: 'NY', postalCode: '12207', country: 'US', isDefault: true } },
      buyer.token,
    );
    const variantId = lamp.variants[0]!.id;
    await stack.request(op('AddToCart'), { variantId, quantity: 1 }, buyer.token);
    const availableBefore = await availableOf(lamp.id);

    const context = await newContext(browser, baseURL);
    const page = await context.newPage();
    await signIn(page, buyer.email, PASSWORD);
    await page.goto('/checkout');
    await page.getByLabel('Card').selectOption('tok_chargeDeclined');
    await page.getByRole('button', { name: 'Place order' }).click();
    await shown(page.getByRole('alert').filter({ hasText: 'The card was declined.' }));
    expect(page.url()).toMatch(/\/checkout$/);

    expect((await ordersOf(buyer.token)).filter((o) => o.status !== 'PAYMENT_FAILED')).toEqual([]);
    expect(await availableOf(lamp.id)).toBe(availableBefore);
    const cart = await stack.request(op('Cart'), {}, buyer.token);
    expect(cart.data.me.cart.itemCount).toBe(1);
    await screenshot(page, '4-declined-card');
    await context.close();
  });

  it('a seller creates a product, sets its stock, and creates and revokes an API key', async () => {
    const store = await registerSeller(stack);
    const context = await newContext(browser, baseURL);
    const page = await context.newPage();
    await signIn(page, store.email, PASSWORD);

    await page.goto('/seller/products/new');
    const title = `Nova desk lamp ${WORD}`;
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Brand').fill('Nova');
    await page.getByLabel('Description').fill('A warm light for late work.');
    await page.getByLabel('Category').selectOption(categoryId);
    await page.getByLabel('SKU').fill(`NOVA-${WORD}`);
    await page.getByLabel('Variant name').fill('Brass');
    await page.getByLabel('Price (USD)').fill('abc');
    await page.getByRole('button', { name: 'Create product' }).click();
    await shown(page.getByText('Enter a price such as 19.99.'));
    await page.getByLabel('Price (USD)').fill('59.90');
    await page.getByLabel('Attributes').fill('Finish: brass');
    await page.getByLabel(/Publish now/).check();
    await page.getByRole('button', { name: 'Create product' }).click();
    await shown(page.getByText('Product created. Set its stock below.'));
    await eventually(() => textOf(page.getByRole('heading', { level: 1 }))).toContain('ACTIVE');
    const productId = page.url().match(/\/seller\/products\/([^?]+)/)![1]!;

    const form = stockForm(page, `NOVA-${WORD}`);
    await form.getByRole('spinbutton').fill('7');
    await form.getByRole('button', { name: 'Set', exact: true }).click();
    await shown(form.getByText('Saved: 7 available'));
    expect(await availableOf(productId)).toBe(7);

    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Key name').fill('Warehouse sync');
    await page.getByRole('checkbox', { name: /Read stock/ }).check();
    await page.getByRole('checkbox', { name: /Change stock/ }).check();
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.getByTestId('api-key-secret').textContent())!.trim();
    expect(secret.length).toBeGreaterThan(10);
    // The key works for what its scopes allow…
    const variantId = (await stack.request(op('ProductPage'), { id: productId })).data.product.variants[0].id;
    const withKey = await stack.request(op('SetStock'), { variantId, warehouseId, onHand: 9 }, secret);
    expect(withKey.data.setStock.userErrors).toEqual([]);
    await page.getByRole('button', { name: 'I have copied it' }).click();
    await eventually(() => page.getByTestId('api-key-secret').count()).toBe(0);

    await page.getByRole('button', { name: 'Revoke Warehouse sync' }).click();
    await eventually(() => textOf(page.getByTestId('api-key-row'))).toContain('Revoked');
    // …and stops working at once.
    const revoked = await stack.request(op('SetStock'), { variantId, warehouseId, onHand: 3 }, secret);
    expect(revoked.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await screenshot(page, '5-seller-console');
    await context.close();
  });
});
