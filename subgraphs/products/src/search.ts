/**
 * Product lists: the shoppers' catalog search (`Query.products`) and a store's product list
 * (`Seller.products`) are the same thing, a `ProductSearch`, answered lazily: its two parts, the
 * page and the summary (total and facets), are fetched only when the client selects them, both in
 * one statement when it selects both, and kept in the search cache (search-cache.ts).
 */
import { alignByKey, badUserInput, decodeCursor, encodeCursor, isId, pageSize } from '@marketplace/runtime';
import DataLoader from 'dataloader';
import { and, asc, eq, gte, inArray, lte, notInArray, sql, type SQL } from 'drizzle-orm';
import type { ProductFilter, ProductSort, ProductStatus } from './__generated__/resolvers-types';
import type { Db } from './db/client';
import { categories, products, type CategoryRow, type ProductRow } from './db/schema';
import type { Loaders } from './loaders';
import { cachedPart, searchCacheEntry } from './search-cache';

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
  /** The parts the connection's fields asked for, fetched together (see `searchParts`). */
  parts?: DataLoader<Part, SearchParts[Part]>;
}

type Part = 'page' | 'summary';
interface SearchParts {
  page: SearchPage;
  summary: SearchSummary;
}

/** A page as the connection shows it, built once per search result (then cached with it). */
interface SearchPage {
  edges: { cursor: string; node: ProductRow }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** The categories of its products, read with them: `Product.category` then needs no statement. */
  categories: CategoryRow[];
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
  };
}

const tsQuery = (text: string) => sql`websearch_to_tsquery('english', ${text})`;

/**
 * Conditions of a search: those every count shares, and the three that facets leave out in turn
 * (a facet ignores its own filter), each undefined when not asked for.
 */
function conditionParts(search: ProductSearch): { shared: SQL; category?: SQL; brands?: SQL; price?: SQL } {
  const shared: (SQL | undefined)[] = [inArray(products.status, search.statuses)];
  // A malformed id names nothing: the result is empty, not an error.
  if (search.sellerId) shared.push(isId(search.sellerId) ? eq(products.sellerId, search.sellerId) : sql`false`);
  if (search.inStock != null) shared.push(eq(products.inStock, search.inStock));
  if (search.minRating != null) shared.push(gte(products.ratingAverage, search.minRating));
  if (search.text) shared.push(sql`${products.search} @@ ${tsQuery(search.text)}`);
  const category = !search.categoryId
    ? undefined
    : isId(search.categoryId)
      ? sql`${products.categoryId} in (select ${categories.id} from ${categories}
          where ${categories.id} = ${search.categoryId} or ${categories.path} @> array[${search.categoryId}]::uuid[])`
      : sql`false`;
  const brands = search.brands?.length ? inArray(products.brand, search.brands) : undefined;
  const price = and(
    search.priceMin != null ? gte(products.minPrice, search.priceMin) : undefined,
    search.priceMax != null ? lte(products.minPrice, search.priceMax) : undefined,
  );
  return { shared: and(...shared)!, category, brands, price };
}

/**
 * What a search is sorted by, then by id (so the order is total and keyset cursors are stable),
 * and in which direction. Unrated products have rating 0, below every rating: last in RATING_DESC.
 */
function sortKey(search: ProductSearch): { key: SQL; dir: 'asc' | 'desc'; type: 'timestamptz' | 'float8' | 'bigint' } {
  switch (search.sort) {
    case 'NEWEST':
      return { key: sql`${products.createdAt}`, dir: 'desc', type: 'timestamptz' };
    case 'PRICE_ASC':
      return { key: sql`${products.minPrice}`, dir: 'asc', type: 'bigint' };
    case 'PRICE_DESC':
      return { key: sql`${products.minPrice}`, dir: 'desc', type: 'bigint' };
    case 'RATING_DESC':
      return { key: sql`${products.ratingAverage}`, dir: 'desc', type: 'float8' };
    case 'RELEVANCE':
      return { key: sql`ts_rank(${products.search}, ${tsQuery(search.text!)})::float8`, dir: 'desc', type: 'float8' };
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

/** The parts of a search, each fetched once: the parts asked for in the same tick are fetched together. */
function searchParts(db: Db, search: ProductSearch) {
  search.parts ??= new DataLoader<Part, SearchParts[Part]>((parts) => fetchParts(db, search, parts));
  return search.parts;
}

async function searchPage(db: Db, search: ProductSearch): Promise<SearchPage> {
  return (await searchParts(db, search).load('page')) as SearchPage;
}

async function searchSummary(db: Db, search: ProductSearch): Promise<SearchSummary> {
  return (await searchParts(db, search).load('summary')) as SearchSummary;
}

export async function searchEdges(db: Db, loaders: Loaders, search: ProductSearch) {
  const page = await searchPage(db, search);
  for (const category of page.categories) loaders.categoryById.prime(category.id, category);
  return page.edges;
}

export async function searchPageInfo(db: Db, search: ProductSearch) {
  return (await searchPage(db, search)).pageInfo;
}

export async function searchTotalCount(db: Db, search: ProductSearch): Promise<number> {
  return (await searchSummary(db, search)).total;
}

export async function searchFacets(db: Db, search: ProductSearch) {
  const { facets } = await searchSummary(db, search);
  return facets;
}

/** Everything that decides a search's result: equal keys, equal results (within one catalog version). */
function cacheKey(search: ProductSearch): string {
  const { text, categoryId, brands, priceMin, priceMax, sellerId, inStock, minRating, statuses, sort, size, after } = search;
  return JSON.stringify(['search', text, categoryId, brands, priceMin, priceMax, sellerId, inStock, minRating, statuses, sort, size, after]);
}

/** The asked parts from the search cache; the missing ones are read together from the database. */
async function fetchParts(db: Db, search: ProductSearch, parts: readonly Part[]): Promise<SearchParts[Part][]> {
  const entry = await searchCacheEntry(cacheKey(search));
  const missing = parts.filter((part) => !entry.has(part));
  const reading = missing.length ? querySearch(db, search, missing) : null;
  return Promise.all(parts.map((part) => cachedPart(entry, part, async () => (await reading!)[part]!)));
}

/**
 * Reads parts from the database. With a text query the matches come from the full-text index and
 * are read once for both parts; without one, both in one statement would sort every listed product
 * for the page, where alone the page walks an index in its order and stops after a page.
 */
async function querySearch(db: Db, search: ProductSearch, parts: readonly Part[]): Promise<Partial<SearchParts>> {
  if (search.text || parts.length === 1) return readParts(db, search, parts);
  const found = await Promise.all(parts.map((part) => readParts(db, search, [part])));
  return Object.assign({}, ...found);
}

/** Grouping sets of the summary, by their GROUPING() bit mask (a bit set: that column not grouped). */
const BY_CATEGORY = 0b011;
const BY_BRAND = 0b101;
const BY_PRICE = 0b110;
const TOTAL = 0b111;

/** The index in PRICE_BUCKETS of a product's price. */
const PRICE_BUCKET = sql.join(
  [
    sql`case`,
    ...PRICE_BUCKETS.slice(0, -1).map(([, max], i) => sql`when ${products.minPrice} < ${sql.raw(String(max))} then ${sql.raw(String(i))}`),
    sql`else ${sql.raw(String(PRICE_BUCKETS.length - 1))} end`,
  ],
  sql` `,
);

/** A page row of the statement: [id, sort key] (the sort key is the rank for RELEVANCE). */
type PageKey = [string, unknown];
/** A facet row of the statement: [grouping, category id, category name, brand, price bucket, count]. */
type FacetRow = [number, string | null, string | null, string | null, number | null, number];

async function readParts(db: Db, search: ProductSearch, parts: readonly Part[]): Promise<Partial<SearchParts>> {
  const [result] = await db.execute<{ page?: PageKey[]; facets?: FacetRow[] }>(searchStatement(search, parts));
  const found: Partial<SearchParts> = {};
  if (result?.page) found.page = await pageOf(db, search, result.page);
  if (result?.facets) found.summary = summaryOf(result.facets);
  return found;
}

/**
 * One statement for the asked parts, over `matches`: the products passing the shared conditions,
 * narrow (sort key and facet columns, and whether each facet's own filter passes), so the page is
 * ranked and the facets counted without carrying whole rows.
 *  - page: ids and sort keys of the page's rows and one more, in order (rows are read by id after);
 *  - facets: the total and the three facets from one grouping-sets aggregate, each facet counting
 *    the matches that pass the other two facets' filters, the total those passing all three.
 */
function searchStatement(search: ProductSearch, parts: readonly Part[]): SQL {
  const { shared, category, brands, price } = conditionParts(search);
  const { key, dir, type } = sortKey(search);
  const direction = sql.raw(dir);
  const facetFilters = { in_category: category, in_brands: brands, in_price: price };
  const flags = Object.entries(facetFilters).flatMap(([name, condition]) => (condition ? [sql`, ${condition} as ${sql.raw(name)}`] : []));
  /** Matches passing the filters of these facets (all of them: the page and the total). */
  const passing = (...names: (keyof typeof facetFilters)[]) => and(...names.filter((name) => facetFilters[name]).map((name) => sql.raw(name)));
  const countOf = (condition: SQL | undefined) => (condition ? sql`count(*) filter (where ${condition})` : sql`count(*)`);
  const after = search.after
    ? sql`(sort_key, id) ${sql.raw(dir === 'desc' ? '<' : '>')} (${search.after.value}::${sql.raw(type)}, ${search.after.id}::uuid)`
    : undefined;
  const wantsPage = parts.includes('page');
  const wantsSummary = parts.includes('summary');
  // Only what the asked parts use: `matches` used once is inlined, and the page can then walk an
  // index in its order; used by both, it is read once.
  const ctes = [
    sql`matches as (
      select ${products.id} as id, ${key} as sort_key, ${products.categoryId} as category_id, ${products.brand} as brand,
             ${PRICE_BUCKET} as bucket ${sql.join(flags, sql``)}
      from ${products}
      where ${shared}
    )`,
    wantsPage &&
      sql`page as (
        select id, sort_key from matches
        where ${and(passing('in_category', 'in_brands', 'in_price'), after) ?? sql`true`}
        order by sort_key ${direction}, id ${direction}
        limit ${search.size + 1}
      )`,
    wantsSummary &&
      sql`counts as (
        select grouping(category_id, brand, bucket)::int as grouping, category_id, brand, bucket,
               ${countOf(passing('in_brands', 'in_price'))}::int as by_category,
               ${countOf(passing('in_category', 'in_price'))}::int as by_brand,
               ${countOf(passing('in_category', 'in_brands'))}::int as by_price,
               ${countOf(passing('in_category', 'in_brands', 'in_price'))}::int as total
        from matches
        group by grouping sets ((category_id), (brand), (bucket), ())
      ), facet_counts as (
        select grouping, category_id, brand, bucket,
               case grouping when ${BY_CATEGORY} then by_category when ${BY_BRAND} then by_brand when ${BY_PRICE} then by_price else total end as n
        from counts
      )`,
  ];
  const selected = [
    wantsPage &&
      sql`(select coalesce(jsonb_agg(jsonb_build_array(id, sort_key) order by sort_key ${direction}, id ${direction}), '[]') from page) as page`,
    wantsSummary &&
      sql`(select jsonb_agg(jsonb_build_array(f.grouping, f.category_id, ${categories.name}, f.brand, f.bucket, f.n)
                              order by f.grouping, f.n desc, ${categories.name}, f.brand)
             from facet_counts f left join ${categories} on ${categories.id} = f.category_id
             where f.n > 0 or f.grouping = ${TOTAL}) as facets`,
  ];
  const present = (items: (SQL | false)[]) => items.filter((item): item is SQL => item !== false);
  return sql`with ${sql.join(present(ctes), sql`, `)} select ${sql.join(present(selected), sql`, `)}`;
}

/** The page's rows (by id, with their categories) as edges in the statement's order, and where it ends. */
async function pageOf(db: Db, search: ProductSearch, keys: PageKey[]): Promise<SearchPage> {
  const ids = keys.map(([id]) => id);
  const rows = ids.length
    ? await db
        .select({ product: products, category: categories })
        .from(products)
        .innerJoin(categories, eq(categories.id, products.categoryId))
        .where(inArray(products.id, ids))
    : [];
  const byId = alignByKey(ids, rows, (row) => row.product.id);
  const edges = keys.slice(0, search.size).flatMap(([, sortKey], i) => {
    const node = byId[i]?.product;
    // The rank is the cursor's value for RELEVANCE; the other sorts' values are the row's own.
    return node ? [{ cursor: encodeCursor(cursorValues(search, node, search.sort === 'RELEVANCE' ? (sortKey as number) : null)), node }] : [];
  });
  return {
    edges,
    pageInfo: { hasNextPage: keys.length > search.size, endCursor: edges.at(-1)?.cursor ?? null },
    categories: [...new Map(rows.map(({ category }) => [category.id, category])).values()],
  };
}

function summaryOf(facetRows: FacetRow[]): SearchSummary {
  const of = (grouping: number) => facetRows.filter(([g]) => g === grouping);
  const byBucket = new Map(of(BY_PRICE).map(([, , , , bucket, n]) => [bucket, n]));
  return {
    total: of(TOTAL)[0]?.[5] ?? 0,
    facets: {
      categories: of(BY_CATEGORY)
        .slice(0, FACET_SIZE)
        .map(([, categoryId, name, , , n]) => ({ value: categoryId!, label: name!, count: n })),
      brands: of(BY_BRAND)
        .slice(0, FACET_SIZE)
        .map(([, , , brand, , n]) => ({ value: brand!, label: brand!, count: n })),
      priceRanges: PRICE_BUCKETS.map(([min, max], i) => ({ min, max, count: byBucket.get(i) ?? 0 })).filter((b) => b.count > 0),
    },
  };
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

/** Search-as-you-type (see `findSuggestions`), kept in the search cache like search results. */
export async function suggestions(db: Db, prefix: string, first: number): Promise<ProductRow[]> {
  const text = prefix.trim().toLowerCase();
  if (text.length < 1 || text.length > 100) throw badUserInput('prefix must be 1 to 100 characters.');
  if (!Number.isInteger(first) || first < 1 || first > SUGGESTION_LIMIT) throw badUserInput(`first must be 1 to ${SUGGESTION_LIMIT}.`);
  const entry = await searchCacheEntry(JSON.stringify(['suggestions', text, first]));
  return cachedPart(entry, 'suggestions', () => findSuggestions(db, text, first));
}

/**
 * Suggestions for a lower-cased prefix, each step only when the previous found fewer than asked:
 * titles starting with the prefix (an index scan in the prefix index's order); titles starting with
 * a prefix one typo away from it (one short probe of that index per variant, for prefixes of 3 to
 * 12 characters); titles containing a close match of it anywhere (trigram word similarity), best first.
 */
async function findSuggestions(db: Db, text: string, first: number): Promise<ProductRow[]> {
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
