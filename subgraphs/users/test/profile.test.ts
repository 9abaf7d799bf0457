import { startSubgraph, type ProductSummary, type RunningServer } from '@marketplace/runtime';
import { products } from '../../products/src/index';
import { asAdmin, asApiKey, asSeller, asService, asUser, subgraphRequest } from '@marketplace/runtime/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { MAX_ADDRESSES } from '../src/address-book';
import { db } from '../src/db/client';
import { wishlistItems } from '../src/db/schema';
import { users } from '../src/index';
import { MAX_WISHLIST_ITEMS } from '../src/wishlist';
import { codes, PASSWORD, REGISTER, registerAccount, registerSeller, uniqueEmail, type Account } from './support';

// The wishlist asks the real products subgraph whether a product is for sale.
let server: RunningServer;
let catalog: RunningServer;
let categoryId: string;
const productSeller = asSeller(randomUUID(), randomUUID());
beforeAll(async () => {
  catalog = await startSubgraph(products, { port: 0 });
  process.env.PRODUCTS_URL = catalog.url;
  server = await startSubgraph(users, { port: 0 });
  const category = await subgraphRequest(
    catalog.url,
    `mutation ($slug: String!) { createCategory(input: { name: "Wishlist", slug: $slug }) { category { id } } }`,
    { slug: `wishlist-${randomUUID().slice(0, 8)}` },
    asAdmin(randomUUID()),
  );
  categoryId = category.data!.createCategory.category.id;
});
afterAll(async () => {
  await server.stop();
  await catalog.stop();
});

const USER_ENTITY = `query ($id: ID!) {
  _entities(representations: [{ __typename: "User", id: $id }]) { ... on User { id name email roles addresses { id } seller { storeName } } }
}`;
const ME = `{ me { id email roles addresses { id fullName line1 line2 city region postalCode country isDefault } wishlist { id } } }`;

describe('privacy', () => {
  it('shows a name to everyone, and email, roles and addresses only to the user and operators', async () => {
    const owner = await registerAccount(server.url, 'Owner');
    const stranger = await registerAccount(server.url, 'Stranger');

    const own = await subgraphRequest(server.url, USER_ENTITY, { id: owner.userId }, owner.identity);
    expect(own.errors).toBeUndefined();
    expect(own.data!._entities[0]).toMatchObject({ name: 'Owner', email: owner.email, roles: ['CUSTOMER'], addresses: [] });
    const admin = await subgraphRequest(server.url, USER_ENTITY, { id: owner.userId }, asAdmin(randomUUID()));
    expect(admin.errors).toBeUndefined();
    expect(admin.data!._entities[0].email).toBe(owner.email);

    const NAME_AND_EMAIL = `query ($id: ID!) { _entities(representations: [{ __typename: "User", id: $id }]) { ... on User { name email } } }`;
    const other = await subgraphRequest(server.url, NAME_AND_EMAIL, { id: owner.userId }, stranger.identity);
    expect(other.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(other)).not.toContain(owner.email);
    const anonymous = await subgraphRequest(server.url, NAME_AND_EMAIL, { id: owner.userId });
    expect(anonymous.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);

    const PUBLIC = `query ($id: ID!) { _entities(representations: [{ __typename: "User", id: $id }]) { ... on User { name } } }`;
    expect((await subgraphRequest(server.url, PUBLIC, { id: owner.userId })).data!._entities).toEqual([{ name: 'Owner' }]);
  });

  it('lets a sign-in response show the account it signed in to', async () => {
    const email = uniqueEmail();
    const res = await subgraphRequest(server.url, REGISTER, { input: { email, password: PASSWORD, name: 'New' } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.register.user).toMatchObject({ email, roles: ['CUSTOMER'] });
  });

  it('keeps the wishlist to its owner, even from operators', async () => {
    const owner = await registerAccount(server.url);
    const WISHLIST = `query ($id: ID!) { _entities(representations: [{ __typename: "User", id: $id }]) { ... on User { wishlist { id } } } }`;
    const admin = await subgraphRequest(server.url, WISHLIST, { id: owner.userId }, asAdmin(randomUUID()));
    expect(admin.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    const own = await subgraphRequest(server.url, WISHLIST, { id: owner.userId }, owner.identity);
    expect(own.data!._entities[0].wishlist).toEqual([]);
  });

  it('treats made-up identity headers as anonymous, and API keys as no person', async () => {
    const owner = await registerAccount(server.url);
    const forged = await subgraphRequest(server.url, '{ me { id email } }', {}, undefined, { 'x-user-id': owner.userId, 'x-roles': 'ADMIN' });
    expect(forged).toEqual({ data: { me: null } });
    const key = await subgraphRequest(server.url, '{ me { id } }', {}, asApiKey(randomUUID(), randomUUID(), ['ORDERS_READ']));
    expect(key).toEqual({ data: { me: null } });
    const mutation = await subgraphRequest(
      server.url,
      `mutation { addAddress(input: { fullName: "X", line1: "1 Main St", city: "Town", postalCode: "1", country: "US" }) { address { id } } }`,
      {},
      undefined,
      { 'x-user-id': owner.userId },
    );
    expect(mutation.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('answers unknown and malformed user ids with null', async () => {
    const res = await subgraphRequest(
      server.url,
      `{ _entities(representations: [{ __typename: "User", id: "${randomUUID()}" }, { __typename: "User", id: "nope" }]) { ... on User { id } } }`,
      {},
      asService(),
    );
    expect(res).toEqual({ data: { _entities: [null, null] } });
  });
});

const ADDRESS_FIELDS = 'id fullName line1 line2 city region postalCode country isDefault';
const ADD_ADDRESS = `mutation ($input: AddressInput!) { addAddress(input: $input) { address { ${ADDRESS_FIELDS} } userErrors { field message code } } }`;
const UPDATE_ADDRESS = `mutation ($id: ID!, $input: AddressInput!) { updateAddress(id: $id, input: $input) { address { ${ADDRESS_FIELDS} } userErrors { field message code } } }`;
const REMOVE_ADDRESS = `mutation ($id: ID!) { removeAddress(id: $id) { removedAddressId userErrors { field message code } } }`;

const addressInput = (overrides: Record<string, unknown> = {}) => ({
  fullName: 'Ada Lovelace',
  line1: '12 St James Square',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'gb',
  ...overrides,
});

describe('addresses', () => {
  const add = async (account: Account, overrides: Record<string, unknown> = {}) =>
    (await subgraphRequest(server.url, ADD_ADDRESS, { input: addressInput(overrides) }, account.identity)).data!.addAddress;
  const addressBook = async (account: Account) =>
    (await subgraphRequest(server.url, ME, {}, account.identity)).data!.me.addresses as { id: string; isDefault: boolean; fullName: string }[];

  it('keeps exactly one default: the first address, then whichever is made default; default first, then newest', async () => {
    const account = await registerAccount(server.url);
    const first = await add(account, { fullName: 'First', line2: '  ', region: ' Westminster ' });
    expect(first.userErrors).toEqual([]);
    expect(first.address).toMatchObject({ fullName: 'First', country: 'GB', line2: null, region: 'Westminster', isDefault: true });

    const second = await add(account, { fullName: 'Second' });
    expect(second.address.isDefault).toBe(false);
    const third = await add(account, { fullName: 'Third', isDefault: true });
    expect(third.address.isDefault).toBe(true);
    expect((await addressBook(account)).map((a) => [a.fullName, a.isDefault])).toEqual([
      ['Third', true],
      ['Second', false],
      ['First', false],
    ]);

    const moved = await subgraphRequest(server.url, UPDATE_ADDRESS, { id: first.address.id, input: addressInput({ fullName: 'First again', isDefault: true }) }, account.identity);
    expect(moved.data!.updateAddress.address).toMatchObject({ fullName: 'First again', isDefault: true });
    // Saying isDefault: false does not leave the book without a default.
    await subgraphRequest(server.url, UPDATE_ADDRESS, { id: first.address.id, input: addressInput({ fullName: 'First', isDefault: false }) }, account.identity);
    expect((await addressBook(account)).map((a) => [a.fullName, a.isDefault])).toEqual([
      ['First', true],
      ['Third', false],
      ['Second', false],
    ]);

    // Removing the default promotes the most recent remaining address.
    const removed = await subgraphRequest(server.url, REMOVE_ADDRESS, { id: first.address.id }, account.identity);
    expect(removed.data!.removeAddress).toEqual({ removedAddressId: first.address.id, userErrors: [] });
    expect((await addressBook(account)).map((a) => [a.fullName, a.isDefault])).toEqual([
      ['Third', true],
      ['Second', false],
    ]);
  });

  it('makes exactly one of several concurrent first addresses the default', async () => {
    const account = await registerAccount(server.url);
    const added = await Promise.all(Array.from({ length: 6 }, (_, i) => add(account, { fullName: `Concurrent ${i}` })));
    expect(added.every((a) => a.userErrors.length === 0)).toBe(true);
    expect((await addressBook(account)).filter((a) => a.isDefault)).toHaveLength(1);
  });

  it('validates every field and writes nothing when one is wrong', async () => {
    const account = await registerAccount(server.url);
    const bad = await add(account, { fullName: ' ', line1: 'x'.repeat(101), line2: 'y'.repeat(101), city: '', region: 'r'.repeat(101), postalCode: 'p'.repeat(21), country: 'UK' });
    expect(bad.address).toBeNull();
    expect(bad.userErrors.map((e: { field: string[]; code: string }) => [e.field.at(-1), e.code])).toEqual([
      ['fullName', 'INVALID_INPUT'],
      ['line1', 'TOO_LONG'],
      ['line2', 'TOO_LONG'],
      ['city', 'INVALID_INPUT'],
      ['region', 'TOO_LONG'],
      ['postalCode', 'TOO_LONG'],
      ['country', 'INVALID_INPUT'],
    ]);
    for (const country of ['XX', 'USA', '', 'zz']) expect(codes(await add(account, { country }))).toEqual(['INVALID_INPUT']);
    expect(await addressBook(account)).toEqual([]);
  });

  it(`holds at most ${MAX_ADDRESSES} addresses`, async () => {
    const account = await registerAccount(server.url);
    for (let i = 0; i < MAX_ADDRESSES; i++) expect(codes(await add(account, { fullName: `Address ${i}` }))).toEqual([]);
    expect(codes(await add(account))).toEqual(['INVALID_INPUT']);
    expect(await addressBook(account)).toHaveLength(MAX_ADDRESSES);
  });

  it("refuses to touch someone else's address, and answers NOT_FOUND for unknown ones", async () => {
    const owner = await registerAccount(server.url);
    const other = await registerAccount(server.url);
    const { address } = await add(owner);

    const update = await subgraphRequest(server.url, UPDATE_ADDRESS, { id: address.id, input: addressInput({ fullName: 'Hijacked' }) }, other.identity);
    expect(update.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    const remove = await subgraphRequest(server.url, REMOVE_ADDRESS, { id: address.id }, other.identity);
    expect(remove.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect((await addressBook(owner)).map((a) => a.fullName)).toEqual(['Ada Lovelace']);

    for (const id of [randomUUID(), 'not-an-id']) {
      const unknownUpdate = await subgraphRequest(server.url, UPDATE_ADDRESS, { id, input: addressInput() }, owner.identity);
      expect(codes(unknownUpdate.data!.updateAddress)).toEqual(['NOT_FOUND']);
      const unknownRemove = await subgraphRequest(server.url, REMOVE_ADDRESS, { id }, owner.identity);
      expect(unknownRemove.data!.removeAddress).toMatchObject({ removedAddressId: null, userErrors: [{ code: 'NOT_FOUND' }] });
    }
  });

  it('are visible to operators but not to other customers', async () => {
    const owner = await registerAccount(server.url);
    const { address } = await add(owner);
    const ADDRESSES = `query ($id: ID!) { _entities(representations: [{ __typename: "User", id: $id }]) { ... on User { addresses { id } } } }`;
    const admin = await subgraphRequest(server.url, ADDRESSES, { id: owner.userId }, asAdmin(randomUUID()));
    expect(admin.data!._entities[0].addresses).toEqual([{ id: address.id }]);
    const stranger = await subgraphRequest(server.url, ADDRESSES, { id: owner.userId }, asUser(randomUUID()));
    expect(stranger.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });
});

describe('wishlist', () => {
  const ADD = `mutation ($productId: ID!) { addToWishlist(productId: $productId) { wishlist { id } userErrors { field message code } } }`;
  const REMOVE = `mutation ($productId: ID!) { removeFromWishlist(productId: $productId) { wishlist { id } userErrors { field message code } } }`;
  const product = async (status: ProductSummary['status'] = 'ACTIVE'): Promise<string> => {
    const res = await subgraphRequest(
      catalog.url,
      `mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id } userErrors { code } } }`,
      { input: { title: 'Lamp', description: '', brand: 'Lux', categoryId, status, variants: [{ sku: randomUUID().slice(0, 12), title: 'Std', price: 900 }] } },
      productSeller,
    );
    return res.data!.createProduct.product.id;
  };

  it('saves active products once each, newest first, and removes them', async () => {
    const account = await registerAccount(server.url);
    const [a, b] = [await product(), await product()];
    const addA = await subgraphRequest(server.url, ADD, { productId: a }, account.identity);
    expect(addA.data!.addToWishlist).toEqual({ wishlist: [{ id: a }], userErrors: [] });
    await subgraphRequest(server.url, ADD, { productId: b }, account.identity);
    const again = await subgraphRequest(server.url, ADD, { productId: a }, account.identity);
    expect(again.data!.addToWishlist).toEqual({ wishlist: [{ id: b }, { id: a }], userErrors: [] });
    expect((await subgraphRequest(server.url, ME, {}, account.identity)).data!.me.wishlist).toEqual([{ id: b }, { id: a }]);

    const removed = await subgraphRequest(server.url, REMOVE, { productId: b }, account.identity);
    expect(removed.data!.removeFromWishlist).toEqual({ wishlist: [{ id: a }], userErrors: [] });
    // Removing what is not there changes nothing.
    const noop = await subgraphRequest(server.url, REMOVE, { productId: randomUUID() }, account.identity);
    expect(noop.data!.removeFromWishlist).toEqual({ wishlist: [{ id: a }], userErrors: [] });
  });

  it('refuses unknown, malformed and unpublished products with NOT_FOUND', async () => {
    const account = await registerAccount(server.url);
    for (const productId of [randomUUID(), 'not-an-id', await product('DRAFT'), await product('ARCHIVED')]) {
      const res = await subgraphRequest(server.url, ADD, { productId }, account.identity);
      expect(res.data!.addToWishlist).toMatchObject({ wishlist: null, userErrors: [{ code: 'NOT_FOUND', field: ['productId'] }] });
    }
    expect((await subgraphRequest(server.url, ME, {}, account.identity)).data!.me.wishlist).toEqual([]);
  });

  it(`holds at most ${MAX_WISHLIST_ITEMS} products, and re-adding a saved one stays harmless at the limit`, async () => {
    const account = await registerAccount(server.url);
    const saved = Array.from({ length: MAX_WISHLIST_ITEMS }, () => randomUUID());
    await db.insert(wishlistItems).values(saved.map((productId) => ({ userId: account.userId, productId })));
    const full = await subgraphRequest(server.url, ADD, { productId: await product() }, account.identity);
    expect(codes(full.data!.addToWishlist)).toEqual(['INVALID_INPUT']);
    const savedProduct = await product();
    await db.update(wishlistItems).set({ productId: savedProduct }).where(eq(wishlistItems.productId, saved[0]!));
    const again = await subgraphRequest(server.url, ADD, { productId: savedProduct }, account.identity);
    expect(again.data!.addToWishlist.userErrors).toEqual([]);
    expect(again.data!.addToWishlist.wishlist).toHaveLength(MAX_WISHLIST_ITEMS);
  });

  it('is not for API keys', async () => {
    const seller = await registerSeller(server.url);
    const res = await subgraphRequest(server.url, ADD, { productId: await product() }, asApiKey(randomUUID(), seller.sellerId, ['PRODUCTS_WRITE']));
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });
});
