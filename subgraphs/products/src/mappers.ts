/** Parent types of the resolvers (codegen `mappers`): what the data layer hands them. */
import type { CategoryRow, ProductRow, VariantRow } from './db/schema';
import type { ProductSearch } from './search';

export type ProductParent = ProductRow;
export type ProductVariantParent = VariantRow;
export type CategoryParent = CategoryRow;
/** A store as the catalog knows it: its key. */
export type SellerParent = { id: string };
/** A product list, answered lazily field by field. */
export type ProductConnectionParent = ProductSearch;
