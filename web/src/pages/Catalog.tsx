import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { CatalogDocument, SuggestDocument, type ProductSort } from '../gql/graphql';
import { Empty, Loading, Price, ProblemNotice, ProductImage, Stars } from '../components/ui';
import { formatMoney } from '../lib/money';

const SORTS: { value: ProductSort | ''; label: string }[] = [
  { value: '', label: 'Best match' },
  { value: 'NEWEST', label: 'Newest' },
  { value: 'PRICE_ASC', label: 'Price: low to high' },
  { value: 'PRICE_DESC', label: 'Price: high to low' },
  { value: 'RATING_DESC', label: 'Top rated' },
];

/** The catalog's state lives in the URL (shareable, back button works): q, category, brand, price, stock, rating, sort, after. */
function useCatalogParams() {
  const [params, setParams] = useSearchParams();
  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === '') next.delete(key);
      else next.set(key, value);
    }
    if (!('after' in changes)) next.delete('after'); // a new filter starts from the first page
    setParams(next);
  };
  return { params, update, setParams };
}

export function CatalogPage() {
  const { params, update, setParams } = useCatalogParams();
  const query = params.get('q') ?? '';
  const brands = params.getAll('brand');
  const num = (key: string) => (params.get(key) !== null ? Number(params.get(key)) : undefined);
  const variables = {
    query: query || undefined,
    first: 12,
    after: params.get('after') ?? undefined,
    sort: (params.get('sort') || undefined) as ProductSort | undefined,
    filter: {
      categoryId: params.get('category') ?? undefined,
      brands: brands.length ? brands : undefined,
      priceMin: num('min'),
      priceMax: num('max'),
      inStock: params.get('instock') === '1' ? true : undefined,
      minRating: num('rating'),
    },
  };
  const [{ data, fetching, error }] = useQuery({ query: CatalogDocument, variables });
  // While a new filter loads, the previous page and facets stay (no flicker, the facet just clicked stays put).
  const shown = useRef(data);
  if (data) shown.current = data;
  const products = (data ?? shown.current)?.products;

  return (
    <div className="catalog">
      <SearchBox initial={query} onSearch={(q) => update({ q })} />
      <div className="catalog-body">
        <aside aria-label="Filters" className="facets">
          {products && (
            <>
              <fieldset>
                <legend>Category</legend>
                {products.facets.categories.map((c) => (
                  <label key={c.value}>
                    <input
                      type="radio"
                      name="category"
                      checked={params.get('category') === c.value}
                      onChange={() => update({ category: c.value })}
                    />
                    {c.label} <span className="muted">({c.count})</span>
                  </label>
                ))}
                {params.get('category') && (
                  <button type="button" className="link" onClick={() => update({ category: null })}>
                    Any category
                  </button>
                )}
              </fieldset>
              <fieldset>
                <legend>Brand</legend>
                {products.facets.brands.map((b) => (
                  <label key={b.value}>
                    <input
                      type="checkbox"
                      checked={brands.includes(b.value)}
                      onChange={(e) => {
                        // brands repeat in the URL (?brand=A&brand=B)
                        const next = new URLSearchParams(params);
                        next.delete('brand');
                        next.delete('after');
                        for (const v of e.target.checked ? [...brands, b.value] : brands.filter((x) => x !== b.value)) next.append('brand', v);
                        setParams(next);
                      }}
                    />
                    {b.label} <span className="muted">({b.count})</span>
                  </label>
                ))}
              </fieldset>
              <fieldset>
                <legend>Price</legend>
                {products.facets.priceRanges.map((r) => {
                  const selected = num('min') === r.min && (r.max === null ? num('max') === undefined : num('max') === r.max);
                  return (
                    <label key={`${r.min}-${r.max}`}>
                      <input
                        type="radio"
                        name="price"
                        checked={selected}
                        onChange={() => update({ min: String(r.min), max: r.max === null ? null : String(r.max) })}
                      />
                      {r.max === null ? `${formatMoney({ amount: r.min, currencyCode: 'USD' })} and up` : `${formatMoney({ amount: r.min, currencyCode: 'USD' })} – ${formatMoney({ amount: r.max, currencyCode: 'USD' })}`}{' '}
                      <span className="muted">({r.count})</span>
                    </label>
                  );
                })}
                {(params.get('min') || params.get('max')) && (
                  <button type="button" className="link" onClick={() => update({ min: null, max: null })}>
                    Any price
                  </button>
                )}
              </fieldset>
              <fieldset>
                <legend>Availability and rating</legend>
                <label>
                  <input type="checkbox" checked={params.get('instock') === '1'} onChange={(e) => update({ instock: e.target.checked ? '1' : null })} />
                  In stock only
                </label>
                {[4, 3].map((stars) => (
                  <label key={stars}>
                    <input type="radio" name="rating" checked={num('rating') === stars} onChange={() => update({ rating: String(stars) })} />
                    {stars}★ and up
                  </label>
                ))}
                {params.get('rating') && (
                  <button type="button" className="link" onClick={() => update({ rating: null })}>
                    Any rating
                  </button>
                )}
              </fieldset>
            </>
          )}
        </aside>
        <section className="results" aria-labelledby="results-heading" aria-busy={fetching}>
          <div className="results-bar">
            <h1 id="results-heading">{products ? `${products.totalCount} products${query ? ` for “${query}”` : ''}` : 'Products'}</h1>
            <label>
              Sort by{' '}
              <select value={params.get('sort') ?? ''} onChange={(e) => update({ sort: e.target.value || null })}>
                {SORTS.map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.label}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <ProblemNotice error={error} />
          {fetching && !products && <Loading what="Loading products" />}
          {products && products.edges.length === 0 && <Empty>No products match. Try fewer filters or another search.</Empty>}
          <ul className="product-grid">
            {products?.edges.map(({ node }) => (
              <li key={node.id} className="card">
                <Link to={`/products/${node.id}`} className="card-link">
                  <ProductImage src={node.images[0]} title={node.title} />
                  <span className="card-title">{node.title}</span>
                </Link>
                <span className="muted">
                  {node.brand} · {node.seller?.storeName ?? 'store unavailable'}
                </span>
                <Price money={node.price} />
                <Stars average={node.rating?.average} count={node.rating?.count} />
                <span className={node.inStock ? 'ok' : 'muted'}>{node.inStock === null ? '' : node.inStock ? 'In stock' : 'Out of stock'}</span>
              </li>
            ))}
          </ul>
          <nav className="pager" aria-label="Pages">
            {params.get('after') && (
              <button type="button" onClick={() => update({ after: null })}>
                ← First page
              </button>
            )}
            {products?.pageInfo.hasNextPage && (
              <button type="button" onClick={() => update({ after: products.pageInfo.endCursor })}>
                Next page →
              </button>
            )}
          </nav>
        </section>
      </div>
    </div>
  );
}

/** The search field, with suggestions as the shopper types (each a link to its product). */
function SearchBox({ initial, onSearch }: { initial: string; onSearch: (q: string) => void }) {
  const [text, setText] = useState(initial);
  const [prefix, setPrefix] = useState('');
  useEffect(() => setText(initial), [initial]);
  useEffect(() => {
    const timer = setTimeout(() => setPrefix(text.trim()), 150);
    return () => clearTimeout(timer);
  }, [text]);
  const [{ data }] = useQuery({ query: SuggestDocument, variables: { prefix }, pause: prefix.length < 2 });
  const suggestions = prefix.length >= 2 && prefix !== initial ? (data?.productSuggestions ?? []) : [];

  return (
    <form
      role="search"
      className="search"
      onSubmit={(e) => {
        e.preventDefault();
        setPrefix('');
        onSearch(text.trim());
      }}
    >
      <label htmlFor="search-input" className="visually-hidden">
        Search products
      </label>
      <input
        id="search-input"
        type="search"
        placeholder="Search products"
        value={text}
        autoComplete="off"
        aria-controls="suggestions"
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit">Search</button>
      {suggestions.length > 0 && (
        <ul id="suggestions" className="suggestions" aria-label="Suggestions">
          {suggestions.map((s) => (
            <li key={s.id}>
              <Link to={`/products/${s.id}`}>{s.title}</Link>
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}
