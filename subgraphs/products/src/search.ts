/**
 * Product lists: the shoppers' catalog search (`Query.products`) and a store's product list
 * (`Seller.products`) are the same thing, a `ProductSearch`, answered lazily: the page, the total
 * and the facets are each one statement, run only when the client selects them.
 */
import { alignByKey, badUserInput, decodeCursor, encodeCursor, isId, pageSize } from '@marketplace/runtime';
import { and, asc, desc, eq, gte, inArray, lte, notInArray, sql, type SQL } from 'drizzle-orm';
import type { ProductFilter, ProductSort, ProductStatus } from './__generated__/resolvers-types';
import type { Db } from './db/client';
import { categories, products, type ProductRow } from './db/schema';

export interface ProductSearch {
  text: string | null;
  categoryId: string | null;
  brands: string[] | null;
  priceMin: number | null;
  priceMax: number | null;
  sellerId: string | null;
  /** Filters on products' copies of inventory's stock and reviews' ratings (projections.ts). */
  inStock: boolean | null;
  minRating: number | null;
  statuses: ProductStatus[];
  sort: ProductSort;
  size: number;
  /** Where the page starts: the sort value and id of the previous page's last edge. */
  after: { value: string | number; id: string } | null;
  /** Results fetched so far, shared by the connection's fields. */
  memo: {
    page?: Promise<{ row: ProductRow; rank: number | null }[]>;
    summary?: Promise<SearchSummary>;
  };
}

export interface FacetCount {
  value: string;
  label: string;
  count: number;
}

/** A search's total and facets, computed together. */
export interface SearchSummary {
  total: number;
  facets: { categories: FacetCount[]; brands: FacetCount[]; priceRanges: { min: number; max: number | null; count: number }[] };
}

/** Price facet buckets in minor units: [min, max), the last open-ended. */
export const PRICE_BUCKETS: readonly [number, number | null][] = [
  [0, 2500],
  [2500, 5000],
  [5000, 10_000],
  [10_000, 25_000],
  [25_000, null],
];
const FACET_SIZE = 20;

/** Validates the client's arguments into a search (BAD_USER_INPUT for malformed ones). */
export function productSearch(args: {
  query?: string | null;
  filter?: ProductFilter | null;
  sort?: ProductSort | null;
  first?: number | null;
  after?: string | null;
  statuses?: ProductStatus[];
  sellerId?: string | null;
}): ProductSearch {
  const filter = args.filter ?? {};
  const text = args.query?.trim() || null;
  if (text && text.length > 200) throw badUserInput('query must be at most 200 characters.');
  for (const [name, value] of [['priceMin', filter.priceMin], ['priceMax', filter.priceMax]] as const) {
    if (value != null && (!Number.isSafeInteger(value) || value < 0)) throw badUserInput(`${name} must be a non-negative integer.`);
  }
  if (filter.minRating != null && !(filter.minRating >= 1 && filter.minRating <= 5)) throw badUserInput('minRating must be 1 to 5.');
  if (filter.brands && filter.brands.length > 50) throw badUserInput('At most 50 brands.');
  const sort = args.sort ?? (text ? 'RELEVANCE' : 'NEWEST');
  if (sort === 'RELEVANCE' && !text) throw badUserInput('RELEVANCE needs a query.');
  const after = decodeCursor(args.after);
  return {
    text,
    categoryId: filter.categoryId ?? null,
    brands: filter.brands ?? null,
    priceMin: filter.priceMin ?? null,
    priceMax: filter.priceMax ?? null,
    sellerId: args.sellerId ?? filter.sellerId ?? null,
    inStock: filter.inStock ?? null,
    minRating: filter.minRating ?? null,
    statuses: args.statuses ?? ['ACTIVE'],
    sort,
    size: pageSize(args.first),
    after: after ? cursorPosition(sort, after) : null,
    memo: {},
  };
}

const tsQuery = (text: string) => sql`websearch_to_tsquery('english', ${text})`;
const rankOf = (text: string) => sql<number>`ts_rank(${products.search}, ${tsQuery(text)})::float8`;

/**
 * Conditions of a search: those every count shares, and the three that facets leave out in turn
 * (a facet ignores its own filter). Absent filters are `true`.
 */
function conditionParts(search: ProductSearch): { shared: SQL; category: SQL; brands: SQL; price: SQL } {
  const shared: (SQL | undefined)[] = [inArray(products.status, search.statuses)];
  // A malformed id names nothing: the result is empty, not an error.
  if (search.sellerId) shared.push(isId(search.sellerId) ? eq(products.sellerId, search.sellerId) : sql`false`);
  if (search.inStock != null) shared.push(eq(products.inStock, search.inStock));
  if (search.minRating != null) shared.push(gte(products.ratingAverage, search.minRating));
  if (search.text) shared.push(sql`${products.search} @@ ${tsQuery(search.text)}`);
  const category = !search.categoryId
    ? sql`true`
    : isId(search.categoryId)
      ? sql`${products.categoryId} in (select ${categories.id} from ${categories}
          where ${categories.id} = ${search.categoryId} or ${categories.path} @> array[${search.categoryId}]::uuid[])`
      : sql`false`;
  const brands = search.brands?.length ? inArray(products.brand, search.brands) : sql`true`;
  const price = and(
    search.priceMin != null ? gte(products.minPrice, search.priceMin) : undefined,
    search.priceMax != null ? lte(products.minPrice, search.priceMax) : undefined,
  ) ?? sql`true`;
  return { shared: and(...shared)!, category, brands, price };
}

function conditions(search: ProductSearch): SQL {
  const { shared, category, brands, price } = conditionParts(search);
  return and(shared, category, brands, price)!;
}

/** Sort keys: every sort ends with the id, so the order is total and keyset cursors are stable. */
function ordering(search: ProductSearch) {
  switch (search.sort) {
    case 'NEWEST':
      return { keys: [products.createdAt, products.id], dir: 'desc' as const };
    case 'PRICE_ASC':
      return { keys: [products.minPrice, products.id], dir: 'asc' as const };
    case 'PRICE_DESC':
      return { keys: [products.minPrice, products.id], dir: 'desc' as const };
    case 'RATING_DESC':
      // Unrated products have 0, below every rating: last.
      return { keys: [products.ratingAverage, products.id], dir: 'desc' as const };
    case 'RELEVANCE':
      return { keys: [rankOf(search.text!), products.id], dir: 'desc' as const };
  }
}

function cursorValues(search: ProductSearch, row: ProductRow, rank: number | null): unknown[] {
  switch (search.sort) {
    case 'NEWEST':
      return [search.sort, row.createdAt.toISOString(), row.id];
    case 'PRICE_ASC':
    case 'PRICE_DESC':
      return [search.sort, row.minPrice, row.id];
    case 'RATING_DESC':
      return [search.sort, row.ratingAverage, row.id];
    case 'RELEVANCE':
      return [search.sort, rank, row.id];
  }
}

/** A decoded cursor checked against the sort it must come from (see `cursorValues`). */
function cursorPosition(sort: ProductSearch['sort'], values: unknown[]): NonNullable<ProductSearch['after']> {
  const [cursorSort, value, id] = values;
  const valid =
    values.length === 3 &&
    cursorSort === sort &&
    isId(id) &&
    (sort === 'NEWEST'
      ? typeof value === 'string' && !Number.isNaN(Date.parse(value))
      : sort === 'RELEVANCE' || sort === 'RATING_DESC'
        ? typeof value === 'number' && Number.isFinite(value)
        : Number.isSafeInteger(value));
  if (!valid) throw badUserInput('after is not a cursor of this list and sort.');
  // A time reaches SQL in the one format Postgres surely reads.
  return { value: sort === 'NEWEST' ? new Date(value as string).toISOString() : (value as number), id: id as string };
}

function afterCondition(search: ProductSearch): SQL | undefined {
  if (!search.after) return undefined;
  const { value, id } = search.after;
  const type = sql.raw(search.sort === 'NEWEST' ? 'timestamptz' : search.sort === 'RELEVANCE' || search.sort === 'RATING_DESC' ? 'float8' : 'bigint');
  const { keys, dir } = ordering(search);
  const op = sql.raw(dir === 'desc' ? '<' : '>');
  return sql`(${keys[0]}, ${keys[1]}) ${op} (${value}::${type}, ${id}::uuid)`;
}

export function searchPage(db: Db, search: ProductSearch) {
  search.memo.page ??= (async () => {
    const { keys, dir } = ordering(search);
    const rank = search.text ? rankOf(search.text) : sql<null>`null`;
    const rows = await db
      .select({ row: products, rank })
      .from(products)
      .where(and(conditions(search), afterCondition(search)))
      .orderBy(...keys.map((k) => (dir === 'desc' ? desc(k) : asc(k))))
      .limit(search.size + 1);
    return rows;
  })();
  return search.memo.page;
}

export async function searchEdges(db: Db, search: ProductSearch) {
  const rows = await searchPage(db, search);
  return rows.slice(0, search.size).map(({ row, rank }) => ({ cursor: encodeCursor(cursorValues(search, row, rank)), node: row }));
}

export async function searchPageInfo(db: Db, search: ProductSearch) {
  const rows = await searchPage(db, search);
  const last = rows.slice(0, search.size).at(-1);
  return {
    hasNextPage: rows.length > search.size,
    endCursor: last ? encodeCursor(cursorValues(search, last.row, last.rank)) : null,
  };
}

export async function searchTotalCount(db: Db, search: ProductSearch): Promise<number> {
  return (await searchSummary(db, search)).total;
}

export async function searchFacets(db: Db, search: ProductSearch) {
  const { facets } = await searchSummary(db, search);
  return facets;
}

/** Grouping sets of the summary, by their GROUPING() bit mask (a bit set: that column not grouped). */
const BY_CATEGORY = 0b011;
const BY_BRAND = 0b101;
const BY_PRICE = 0b110;

/**
 * The total and the three facets in one statement, so the matching products are read once: each
 * facet counts the rows that pass the other two facets' filters, the total those passing all.
 */
function searchSummary(db: Db, search: ProductSearch): Promise<SearchSummary> {
  search.memo.summary ??= (async () => {
    const { shared, category, brands, price } = conditionParts(search);
    const bucket = sql.join(
      [
        sql`case`,
        ...PRICE_BUCKETS.slice(0, -1).map(([, max], i) => sql`when ${products.minPrice} < ${sql.raw(String(max))} then ${sql.raw(String(i))}`),
        sql`else ${sql.raw(String(PRICE_BUCKETS.length - 1))} end`,
      ],
      sql` `,
    );
    const rows = await db.execute<{ grouping: number; category_id: string | null; category_name: string | null; brand: string | null; bucket: number | null; n: number }>(sql`
      with counts as (
        select grouping(${products.categoryId}, ${products.brand}, bucket)::int as grouping,
               ${products.categoryId} as category_id, ${products.brand} as brand, bucket,
               count(*) filter (where ${brands} and ${price})::int as by_category,
               count(*) filter (where ${category} and ${price})::int as by_brand,
               count(*) filter (where ${category} and ${brands})::int as by_price,
               count(*) filter (where ${category} and ${brands} and ${price})::int as total
        from ${products} cross join lateral (select ${bucket} as bucket) as priced
        where ${shared}
        group by grouping sets ((${products.categoryId}), (${products.brand}), (bucket), ())
      ), facet_counts as (
        select grouping, category_id, brand, bucket,
               case grouping when ${BY_CATEGORY} then by_category when ${BY_BRAND} then by_brand when ${BY_PRICE} then by_price else total end as n
        from counts
      )
      select f.grouping, f.category_id, ${categories.name} as category_name, f.brand, f.bucket, f.n
      from facet_counts f left join ${categories} on ${categories.id} = f.category_id
      where f.n > 0 or f.grouping = 7
      order by f.grouping, f.n desc, ${categories.name}, f.brand`);
    const of = (grouping: number) => rows.filter((r) => r.grouping === grouping);
    const byBucket = new Map(of(BY_PRICE).map((r) => [r.bucket, r.n]));
    return {
      total: of(0b111)[0]?.n ?? 0,
      facets: {
        categories: of(BY_CATEGORY)
          .slice(0, FACET_SIZE)
          .map((r) => ({ value: r.category_id!, label: r.category_name!, count: r.n })),
        brands: of(BY_BRAND)
          .slice(0, FACET_SIZE)
          .map((r) => ({ value: r.brand!, label: r.brand!, count: r.n })),
        priceRanges: PRICE_BUCKETS.map(([min, max], i) => ({ min, max, count: byBucket.get(i) ?? 0 })).filter((b) => b.count > 0),
      },
    };
  })();
  return search.memo.summary;
}

const SUGGESTION_LIMIT = 20;
/**
 * Prefix lengths whose one-typo variants are probed: shorter ones would match nearly anything;
 * longer ones have ~76 variants per character, and trigram similarity handles them well.
 */
const TYPO_PROBES_FROM = 3;
const TYPO_PROBES_UP_TO = 12;
/** Characters a typo may put into a prefix. */
const TYPO_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789 -';

/**
 * Every prefix one typo away from `text` (a character wrong, missing, extra, or two neighbours
 * swapped), except those whose matches `text` already has (a character added at its end).
 */
export function oneTypoAway(text: string): string[] {
  const variants = new Set<string>();
  for (let i = 0; i < text.length; i++) {
    const head = text.slice(0, i);
    const tail = text.slice(i);
    variants.add(head + tail.slice(1));
    if (tail.length > 1) variants.add(head + tail[1] + tail[0] + tail.slice(2));
    for (const c of TYPO_ALPHABET) {
      variants.add(head + c + tail);
      variants.add(head + c + tail.slice(1));
    }
  }
  variants.delete(text);
  return [...variants].filter((v) => v.trim().length > 0);
}

/**
 * Search-as-you-type, each step only when the previous found fewer than asked: titles starting
 * with the prefix (an index scan in the prefix index's order); titles starting with a prefix one
 * typo away from it (one short probe of that index per variant, for prefixes of 3 to 12 characters);
 * titles containing a close match of it anywhere (trigram word similarity), best first.
 */
export async function suggestions(db: Db, prefix: string, first: number): Promise<ProductRow[]> {
  const text = prefix.trim().toLowerCase();
  if (text.length < 1 || text.length > 100) throw badUserInput('prefix must be 1 to 100 characters.');
  if (!Number.isInteger(first) || first < 1 || first > SUGGESTION_LIMIT) throw badUserInput(`first must be 1 to ${SUGGESTION_LIMIT}.`);
  const pattern = `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const lowerTitle = sql`lower(${products.title})`;
  // The status is a literal, not a parameter, so the partial indexes (WHERE status = 'ACTIVE') apply to any plan.
  const active = sql`${products.status} = 'ACTIVE'`;
  const found = await db
    .select()
    .from(products)
    .where(and(active, sql`${lowerTitle} like ${pattern}`))
    // `using ~<~` is the prefix index's own order (text_pattern_ops): the scan stops after `first` rows.
    .orderBy(sql`${lowerTitle} using ~<~`, asc(products.id))
    .limit(first);
  if (found.length === first) return found;

  if (text.length >= TYPO_PROBES_FROM && text.length <= TYPO_PROBES_UP_TO) {
    // chr(1114111), the highest code point, sorts after anything that may follow a prefix.
    const near = await db.execute<{ id: string }>(sql`
      select probe.id from unnest(${sql.param(oneTypoAway(text))}::text[]) as candidate(prefix)
      cross join lateral (
        select ${products.id} as id, ${lowerTitle} as title_key from ${products}
        where ${active} and ${lowerTitle} ~>=~ candidate.prefix and ${lowerTitle} ~<~ (candidate.prefix || chr(1114111))
        order by ${lowerTitle} using ~<~
        limit ${first}
      ) as probe
      group by probe.id, probe.title_key
      order by probe.title_key using ~<~, probe.id
      limit ${first * 2}`);
    const known = new Set(found.map((row) => row.id));
    const ids = near.map((r) => r.id).filter((id) => !known.has(id)).slice(0, first - found.length);
    if (ids.length) {
      const rows = await db.select().from(products).where(inArray(products.id, ids));
      found.push(...alignByKey(ids, rows, (row) => row.id).filter((row): row is ProductRow => row !== null));
    }
    if (found.length === first) return found;
  }

  const close = await db
    .select()
    .from(products)
    .where(
      and(
        active,
        sql`${lowerTitle} not like ${pattern}`,
        found.length ? notInArray(products.id, found.map((row) => row.id)) : undefined,
        // <% : the prefix is similar to some word sequence of the title (pg_trgm), via the trigram index.
        sql`${text} <% ${lowerTitle}`,
      ),
    )
    .orderBy(sql`word_similarity(${text}, ${lowerTitle}) desc`, asc(products.id))
    .limit(first - found.length);
  return [...found, ...close];
}
