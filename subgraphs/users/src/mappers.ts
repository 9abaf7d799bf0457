/** Parent types of the resolvers (codegen `mappers`): what the data layer hands them. */
import type { AddressRow, ApiKeyRow, SellerRow, UserRow } from './db/schema';

export type UserParent = UserRow;
export type SellerParent = SellerRow;
export type AddressParent = AddressRow;
export type ApiKeyParent = ApiKeyRow;
/** A product as users knows it: the id of a wishlist entry. */
export type ProductParent = { id: string };
