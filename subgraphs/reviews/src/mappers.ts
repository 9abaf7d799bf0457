/** Parent types of the resolvers (codegen `mappers`): what the data layer hands them. */
import type { ReviewRow } from './db/schema';
import type { ReviewConnectionSource } from './connection';

export type ReviewParent = ReviewRow;
/** A list of reviews whose page and total are fetched only when selected. */
export type ReviewConnectionParent = ReviewConnectionSource;
/** Entities other subgraphs own, as reviews knows them: just their keys. */
export type ProductParent = { id: string };
export type SellerParent = { id: string };
export type UserParent = { id: string };
