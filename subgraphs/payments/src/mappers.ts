/** Parent types of the resolvers (codegen `mappers`): what the data layer hands them. */
import type { PaymentRow, RefundRow } from './db/schema';

export type PaymentParent = PaymentRow;
export type RefundParent = RefundRow;
/** An order as payments knows it: just its key. */
export type OrderParent = { id: string };
