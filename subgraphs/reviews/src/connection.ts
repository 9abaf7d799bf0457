import { toConnection } from '@marketplace/runtime';
import type { ReviewRow } from './db/schema';
import { cursorOf, type ReviewOrder } from './review-order';

type Page = ReturnType<typeof toConnection<ReviewRow>>;

/** A ReviewConnection whose page and total are each fetched once, and only when selected. */
export interface ReviewConnectionSource {
  page(): Promise<Page>;
  totalCount(): Promise<number>;
}

export function reviewConnection(opts: {
  order: ReviewOrder;
  size: number;
  /** The page's rows, fetched with `size + 1` rows. */
  rows: () => Promise<ReviewRow[]>;
  totalCount: () => Promise<number>;
}): ReviewConnectionSource {
  let page: Promise<Page> | undefined;
  let total: Promise<number> | undefined;
  return {
    page: () => (page ??= opts.rows().then((rows) => toConnection(rows, opts.size, (row) => cursorOf(opts.order, row)))),
    totalCount: () => (total ??= opts.totalCount()),
  };
}
