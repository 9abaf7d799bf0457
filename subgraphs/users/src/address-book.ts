import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { forbidden, InputCheck, isId, unauthenticated, userError, type UserError } from '@marketplace/runtime';
import type { AddressInput, UserErrorCode } from './__generated__/resolvers-types';
import { db, type Tx } from './db/client';
import { addresses, users } from './db/schema';
import { COUNTRY_CODES } from './countries';

export const MAX_ADDRESSES = 20;

const addressFailure = (...userErrors: UserError<UserErrorCode>[]) => ({ address: null, userErrors });
const NOT_FOUND_ERROR = userError('NOT_FOUND', 'No such address.', ['id']);

function parseAddress(input: AddressInput) {
  const check = new InputCheck<UserErrorCode>();
  const field = (name: keyof AddressInput) => ['input', name];
  const address = {
    fullName: check.text(input.fullName, field('fullName'), { max: 100, label: 'Full name' }),
    line1: check.text(input.line1, field('line1'), { max: 100, label: 'Address line 1' }),
    line2: check.optionalText(input.line2, field('line2'), { max: 100, label: 'Address line 2' }),
    city: check.text(input.city, field('city'), { max: 100, label: 'City' }),
    region: check.optionalText(input.region, field('region'), { max: 100, label: 'Region' }),
    postalCode: check.text(input.postalCode, field('postalCode'), { max: 20, label: 'Postal code' }),
    country: input.country.trim().toUpperCase(),
  };
  if (!COUNTRY_CODES.has(address.country)) {
    check.add('INVALID_INPUT', 'Country must be an ISO 3166-1 alpha-2 code, e.g. US.', field('country'));
  }
  return { check, address };
}

/**
 * Locks the owner's account row for the rest of the transaction, so concurrent changes to one
 * address book (the count limit, moving the default) run one after another. Returns how many
 * addresses it holds.
 */
async function lockAddressBook(tx: Tx, userId: string): Promise<number> {
  // Filtered by the bound id, not correlated: drizzle leaves select-list columns unqualified.
  const [owner] = await tx
    .select({ addressCount: sql<number>`(select count(*)::int from ${addresses} where ${addresses.userId} = ${userId})` })
    .from(users)
    .where(eq(users.id, userId))
    .for('update');
  if (!owner) throw unauthenticated('This account no longer exists.');
  return owner.addressCount;
}

/** The address `id` inside a locked address book: null when unknown, forbidden when someone else's. */
async function ownAddress(tx: Tx, userId: string, id: string) {
  const [address] = await tx.select().from(addresses).where(eq(addresses.id, id));
  if (!address) return null;
  if (address.userId !== userId) throw forbidden('This address is not yours.');
  return address;
}

function clearDefault(tx: Tx, userId: string) {
  return tx
    .update(addresses)
    .set({ isDefault: false })
    .where(and(eq(addresses.userId, userId), eq(addresses.isDefault, true)));
}

export async function addAddress(userId: string, input: AddressInput) {
  const { check, address } = parseAddress(input);
  if (!check.ok) return addressFailure(...check.errors);
  return db.transaction(async (tx) => {
    const count = await lockAddressBook(tx, userId);
    if (count >= MAX_ADDRESSES) {
      return addressFailure(userError('INVALID_INPUT', `An address book holds at most ${MAX_ADDRESSES} addresses; remove one first.`));
    }
    // The first address is the default whatever the input says; a later one only when asked.
    const isDefault = count === 0 || input.isDefault === true;
    if (isDefault) await clearDefault(tx, userId);
    const [created] = await tx
      .insert(addresses)
      .values({ ...address, userId, isDefault })
      .returning();
    return { address: created, userErrors: [] };
  });
}

/**
 * Replaces an address. `isDefault: true` moves the default here; false leaves the default where
 * it is (there is always exactly one: make another address the default to move it).
 */
export async function updateAddress(userId: string, id: string, input: AddressInput) {
  if (!isId(id)) return addressFailure(NOT_FOUND_ERROR);
  const { check, address } = parseAddress(input);
  if (!check.ok) return addressFailure(...check.errors);
  return db.transaction(async (tx) => {
    await lockAddressBook(tx, userId);
    if (!(await ownAddress(tx, userId, id))) return addressFailure(NOT_FOUND_ERROR);
    const makeDefault = input.isDefault === true;
    if (makeDefault) await clearDefault(tx, userId);
    const [updated] = await tx
      .update(addresses)
      .set(makeDefault ? { ...address, isDefault: true } : address)
      .where(eq(addresses.id, id))
      .returning();
    return { address: updated, userErrors: [] };
  });
}

/** Removes an address; when it was the default, the most recent remaining one becomes the default. */
export async function removeAddress(userId: string, id: string) {
  const notFound = { removedAddressId: null, userErrors: [NOT_FOUND_ERROR] };
  if (!isId(id)) return notFound;
  return db.transaction(async (tx) => {
    await lockAddressBook(tx, userId);
    const address = await ownAddress(tx, userId, id);
    if (!address) return notFound;
    await tx.delete(addresses).where(eq(addresses.id, id));
    if (address.isDefault) {
      await tx
        .update(addresses)
        .set({ isDefault: true })
        .where(
          inArray(
            addresses.id,
            tx
              .select({ id: addresses.id })
              .from(addresses)
              .where(eq(addresses.userId, userId))
              .orderBy(desc(addresses.createdAt), desc(addresses.id))
              .limit(1),
          ),
        );
    }
    return { removedAddressId: id, userErrors: [] };
  });
}
