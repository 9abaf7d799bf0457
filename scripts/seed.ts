/**
 * `pnpm seed`: a believable demo marketplace in DATABASE_URL — categories, warehouses, five sellers,
 * about a thousand products with variants and stock, and a demo shopper with an address.
 *
 * Everything goes through the graph with the contract's own operations, so demo data obeys the same
 * validation and ownership rules as real data. Deterministic (fixed faker seed, SKUs derived from
 * it) and idempotent: a second run finds accounts, categories, warehouses and SKUs already there
 * and skips them; stock is set to absolute values.
 */
import { faker } from '@faker-js/faker';
import { ensureDevKeys, isProduction, setting, validateSettingsOrExit } from '@marketplace/runtime';
import { op } from './contract';
import { migrateAll } from './migrate';
import { startStack, type Stack } from './stack';

export const DEMO_PASSWORD = 'demo-password';
export const DEMO_SHOPPER = 'shopper@demo.marketplace';

const CATEGORY_TREE: Record<string, { name: string; brands: string[] }[]> = {
  Electronics: [
    { name: 'Laptops', brands: ['Lumen', 'Northbook', 'Vertex'] },
    { name: 'Phones', brands: ['Pixelon', 'Orbit', 'Nova'] },
    { name: 'Audio', brands: ['Sonora', 'Bassline', 'Echo Labs'] },
  ],
  'Home & Kitchen': [
    { name: 'Cookware', brands: ['Ironclad', 'Copperleaf', 'Hearth'] },
    { name: 'Furniture', brands: ['Oakmont', 'Nordhaus', 'Loft & Co'] },
  ],
  Fashion: [
    { name: 'Shoes', brands: ['Stride', 'Trailfox', 'Cobbler'] },
    { name: 'Jackets', brands: ['Northpeak', 'Urbanite', 'Driftwood'] },
  ],
  'Sports & Outdoors': [
    { name: 'Camping', brands: ['Basecamp', 'Summit', 'Ember'] },
    { name: 'Fitness', brands: ['Flexa', 'Ironworks', 'Pulse'] },
  ],
  Books: [{ name: 'Fiction', brands: ['Quill Press', 'Harbor Books'] }],
};

const WAREHOUSES = [
  { code: 'US-EAST-1', name: 'Newark fulfilment centre', region: 'NJ' },
  { code: 'US-WEST-1', name: 'Reno fulfilment centre', region: 'NV' },
  { code: 'US-SOUTH-1', name: 'Dallas fulfilment centre', region: 'TX' },
];

const SELLERS = ['Northwind Traders', 'Acme Outfitters', 'Blue Harbor Home', 'Voltage Electronics', 'Trail & Tide'];

async function must<T = any>(stack: Stack, name: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const result = await stack.request(op(name), variables, token);
  if (result.errors?.length) throw new Error(`${name}: ${JSON.stringify(result.errors)}`);
  return result.data as T;
}

/** Signs in, registering the account first when it does not exist yet. */
async function account(stack: Stack, email: string, name: string): Promise<{ token: string; roles: string[] }> {
  const login = await must(stack, 'Login', { email, password: DEMO_PASSWORD });
  if (login.login.accessToken) return { token: login.login.accessToken, roles: login.login.user.roles };
  const reg = await must(stack, 'Register', { input: { email, password: DEMO_PASSWORD, name } });
  if (reg.register.userErrors.length) throw new Error(`Register ${email}: ${JSON.stringify(reg.register.userErrors)}`);
  return { token: reg.register.accessToken, roles: reg.register.user.roles };
}

async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

export async function seed(stack: Stack, opts: { products?: number } = {}): Promise<{ products: number; created: number }> {
  faker.seed(20261123);
  const adminEmail = setting('ADMIN_EMAIL') ?? 'admin@marketplace.local';
  const adminPassword = setting('ADMIN_PASSWORD') ?? 'admin-password';
  const admin = await must(stack, 'Login', { email: adminEmail, password: adminPassword });
  const adminToken: string = admin.login.accessToken;
  if (!adminToken) throw new Error('cannot sign in as the operator (ADMIN_EMAIL / ADMIN_PASSWORD)');

  // Categories: created once, found by slug afterwards.
  const existing = (await must(stack, 'Categories', {})).categories as { id: string; slug: string }[];
  const categoryId = new Map(existing.map((c) => [c.slug, c.id]));
  const leaves: { id: string; brands: string[] }[] = [];
  const slugify = (s: string) => s.toLowerCase().replace(/&/g, 'and').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  for (const [parentName, children] of Object.entries(CATEGORY_TREE)) {
    const parentSlug = slugify(parentName);
    if (!categoryId.has(parentSlug)) {
      const res = await must(stack, 'CreateCategory', { input: { name: parentName, slug: parentSlug } }, adminToken);
      categoryId.set(parentSlug, res.createCategory.category.id);
    }
    for (const child of children) {
      const slug = `${parentSlug}-${slugify(child.name)}`;
      if (!categoryId.has(slug)) {
        const res = await must(
          stack,
          'CreateCategory',
          { input: { name: child.name, slug, parentId: categoryId.get(parentSlug) } },
          adminToken,
        );
        categoryId.set(slug, res.createCategory.category.id);
      }
      leaves.push({ id: categoryId.get(slug)!, brands: child.brands });
    }
  }

  // Warehouses: created once, found by code afterwards.
  const knownWarehouses = (await must(stack, 'Warehouses', {}, adminToken)).warehouses as { id: string; code: string }[];
  const warehouseIds = new Map(knownWarehouses.map((w) => [w.code, w.id]));
  for (const warehouse of WAREHOUSES) {
    if (!warehouseIds.has(warehouse.code)) {
      const res = await must(stack, 'CreateWarehouse', { input: warehouse }, adminToken);
      warehouseIds.set(warehouse.code, res.createWarehouse.warehouse.id);
    }
  }

  // Sellers: an account each, with a store.
  const sellerTokens: string[] = [];
  for (const [i, storeName] of SELLERS.entries()) {
    let { token, roles } = await account(stack, `seller${i + 1}@demo.marketplace`, faker.person.fullName());
    if (!roles.includes('SELLER')) {
      const res = await must(stack, 'BecomeSeller', { storeName }, token);
      if (res.becomeSeller.userErrors.length) throw new Error(JSON.stringify(res.becomeSeller.userErrors));
      token = res.becomeSeller.accessToken;
    }
    sellerTokens.push(token);
  }

  // The demo shopper, with a default address.
  const shopper = await account(stack, DEMO_SHOPPER, 'Sam Shopper');
  const me = await must(stack, 'Me', {}, shopper.token);
  if (me.me.addresses.length === 0) {
    await must(
      stack,
      'AddAddress',
      {
        input: {
          fullName: 'Sam Shopper',
          line1: '350 Fifth Avenue',
          city: 'New York',
          region: 'NY',
          postalCode: '10118',
          country: 'US',
          isDefault: true,
        },
      },
      shopper.token,
    );
  }

  // Products: deterministic from the faker seed, so a second run proposes the same SKUs.
  const plans = Array.from({ length: opts.products ?? setting('SEED_PRODUCTS') }, (_, n) => {
    const category = faker.helpers.arrayElement(leaves);
    const sellerIndex = n % sellerTokens.length;
    const colours = faker.helpers.arrayElements(['Black', 'White', 'Red', 'Blue', 'Green', 'Grey'], { min: 1, max: 3 });
    const basePrice = faker.number.int({ min: 499, max: 149_999 });
    return {
      sellerIndex,
      input: {
        title: `${faker.commerce.productAdjective()} ${faker.commerce.product()} ${faker.string.alpha({ length: 3, casing: 'upper' })}`,
        description: faker.commerce.productDescription(),
        brand: faker.helpers.arrayElement(category.brands),
        categoryId: category.id,
        images: [`https://picsum.photos/seed/demo-${n}/800/800`],
        variants: colours.map((colour, v) => ({
          sku: `DEMO-${String(n).padStart(5, '0')}-${v}`,
          title: colour,
          attributes: [{ name: 'Colour', value: colour }],
          price: basePrice + v * 500,
        })),
      },
      stock: colours.map(() => WAREHOUSES.map(() => faker.number.int({ min: 0, max: 40 }))),
    };
  });

  let created = 0;
  await inBatches(plans, 8, async (plan) => {
    const token = sellerTokens[plan.sellerIndex]!;
    const res = await must(stack, 'CreateProduct', { input: plan.input }, token);
    const { product, userErrors } = res.createProduct;
    if (userErrors.length) {
      if (userErrors.every((e: { code: string }) => e.code === 'DUPLICATE_SKU')) return; // seeded before
      throw new Error(`CreateProduct: ${JSON.stringify(userErrors)}`);
    }
    created++;
    for (const [v, variant] of (product.variants as { id: string }[]).entries()) {
      for (const [w, warehouse] of WAREHOUSES.entries()) {
        const onHand = plan.stock[v]![w]!;
        if (onHand === 0) continue;
        const set = await must(stack, 'SetStock', { variantId: variant.id, warehouseId: warehouseIds.get(warehouse.code), onHand }, token);
        if (set.setStock.userErrors.length) throw new Error(`SetStock: ${JSON.stringify(set.setStock.userErrors)}`);
      }
    }
  });
  return { products: plans.length, created };
}

/** `pnpm seed` (and the image's `seed` process): migrates, then seeds through a graph started in this process. */
export async function main(): Promise<void> {
  validateSettingsOrExit();
  if (!isProduction()) await ensureDevKeys();
  await migrateAll();
  const { ensureOperator } = await import('../subgraphs/users/src/index');
  await ensureOperator();
  // The seed is one trusted script writing a thousand products through a gateway of its own, not a
  // client to throttle: at a store account's 50 points a second it would take a quarter of an hour.
  for (const name of ['TRAFFIC_RATE_LIMIT_ANONYMOUS', 'TRAFFIC_RATE_LIMIT_USER', 'TRAFFIC_RATE_LIMIT_OPERATOR'] as const) {
    process.env[name] = '1000000000,1000000000';
  }
  const stack = await startStack();
  try {
    const started = Date.now();
    const { products, created } = await seed(stack);
    console.log(
      `seeded ${created} new of ${products} products (${SELLERS.length} sellers, ${WAREHOUSES.length} warehouses) in ${((Date.now() - started) / 1000).toFixed(1)} s; shopper ${DEMO_SHOPPER} / ${DEMO_PASSWORD}`,
    );
  } finally {
    await stack.stop();
  }
  process.exit(0);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
