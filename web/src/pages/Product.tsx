import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery, useSubscription } from 'urql';
import { AddToCartDocument, AddToWishlistDocument, MarkReviewHelpfulDocument, ProductPageDocument, WatchStockDocument } from '../gql/graphql';
import { Empty, FormMessages, Loading, Price, ProblemNotice, ProductImage, SelectField, Stars } from '../components/ui';
import { describeError, formErrors } from '../lib/errors';
import { quantityChoices } from '../lib/money';
import { useSession } from '../lib/session';

type Live = Record<string, { available: number; inStock: boolean }>;

export function ProductPage() {
  const { id = '' } = useParams();
  const session = useSession();
  const navigate = useNavigate();
  const [{ data, fetching, error }] = useQuery({ query: ProductPageDocument, variables: { id } });
  // Live stock: each event carries one variant's new availability; keep the latest per variant.
  const [live] = useSubscription({ query: WatchStockDocument, variables: { productId: id } }, (prev: Live = {}, event) => ({
    ...prev,
    [event.stockChanged.variantId]: { available: event.stockChanged.available, inStock: event.stockChanged.inStock },
  }));
  const [variantId, setVariantId] = useState<string | null>(null);
  const [quantity, setQuantity] = useState(1);
  const [added, addToCart] = useMutation(AddToCartDocument);
  const [, markHelpful] = useMutation(MarkReviewHelpfulDocument);
  const [wished, addToWishlist] = useMutation(AddToWishlistDocument);

  const product = data?.product;
  if (fetching && !product) return <Loading what="Loading product" />;
  if (!product) return error ? <ProblemNotice error={error} /> : <Empty>This product does not exist or is not for sale.</Empty>;

  const problem = describeError(error);
  const variant = product.variants.find((v) => v.id === variantId) ?? product.variants[0];
  const stockOf = (v: (typeof product.variants)[number]) => live.data?.[v.id] ?? v.stock ?? null;
  const stock = variant ? stockOf(variant) : null;
  const cartErrors = formErrors(added.data?.addToCart.userErrors);

  async function add() {
    if (!session) return navigate(`/signin?next=/products/${id}`);
    if (!variant) return;
    await addToCart({ variantId: variant.id, quantity });
  }

  return (
    <article className="product">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to="/">Catalog</Link>
        {product.category?.ancestors.map((a) => (
          <span key={a.id}> / <Link to={`/?category=${a.id}`}>{a.name}</Link></span>
        ))}
        {product.category && <span> / <Link to={`/?category=${product.category.id}`}>{product.category.name}</Link></span>}
      </nav>
      <ProblemNotice problem={problem} />
      <div className="product-main">
        <ProductImage src={product.images[0]} title={product.title} size="large" />
        <div className="product-info">
          <h1>{product.title}</h1>
          <p className="muted">
            {product.brand} · sold by {product.seller?.storeName ?? 'a store (name unavailable)'}
            {product.status !== 'ACTIVE' && <> · <strong>{product.status}</strong></>}
          </p>
          {product.rating ? <Stars average={product.rating.average} count={product.rating.count} /> : <span className="muted">Ratings unavailable</span>}
          <p className="big-price">
            <Price money={variant?.price ?? product.price} />
          </p>
          {product.variants.length > 1 && (
            <SelectField label="Variant" value={variant?.id} onChange={(e) => setVariantId(e.target.value)}>
              {product.variants.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.title} ({v.attributes.map((a) => `${a.name}: ${a.value}`).join(', ')})
                </option>
              ))}
            </SelectField>
          )}
          <p className="stock" aria-live="polite" data-testid="stock">
            {stock === null ? 'Stock unavailable right now' : stock.available > 0 ? `${stock.available} in stock` : 'Out of stock'}
          </p>
          <div className="buy">
            <SelectField label="Quantity" value={quantity} onChange={(e) => setQuantity(Number(e.target.value))}>
              {quantityChoices(stock?.available ?? null).map((n) => (
                <option key={n}>{n}</option>
              ))}
            </SelectField>
            <button type="button" className="primary" onClick={add} disabled={added.fetching || stock?.available === 0}>
              Add to cart
            </button>
            {session && (
              <button type="button" onClick={() => addToWishlist({ productId: product.id })} disabled={wished.fetching}>
                {wished.data?.addToWishlist.wishlist ? 'In your wishlist' : 'Save to wishlist'}
              </button>
            )}
          </div>
          <ProblemNotice error={wished.error} />
          <FormMessages messages={(wished.data?.addToWishlist.userErrors ?? []).map((e) => e.message)} />
          <ProblemNotice error={added.error} />
          <FormMessages messages={[...cartErrors.general, ...Object.values(cartErrors.byField).flat()]} />
          {added.data?.addToCart.cart && !added.data.addToCart.userErrors.length && (
            <p className="notice ok" role="status">
              Added. <Link to="/cart">View cart ({added.data.addToCart.cart.itemCount})</Link>
            </p>
          )}
          <p className="description">{product.description}</p>
          <table className="variants">
            <caption>Variants</caption>
            <thead>
              <tr><th>SKU</th><th>Variant</th><th>Price</th><th>Available</th></tr>
            </thead>
            <tbody>
              {product.variants.map((v) => (
                <tr key={v.id}>
                  <td>{v.sku}</td>
                  <td>{v.title}</td>
                  <td><Price money={v.price} /></td>
                  <td data-testid={`available-${v.sku}`}>{stockOf(v)?.available ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>

      <section aria-labelledby="reviews-heading">
        <h2 id="reviews-heading">Reviews</h2>
        {!product.reviews ? (
          <p className="muted">Reviews are unavailable right now.</p>
        ) : product.reviews.totalCount === 0 ? (
          <Empty>No reviews yet.</Empty>
        ) : (
          <ul className="reviews">
            {product.reviews.edges.map(({ node: r }) => (
              <li key={r.id}>
                <Stars average={r.rating} count={1} /> <strong>{r.title}</strong>
                {r.verifiedPurchase && <span className="badge">Verified purchase</span>}
                <p>{r.body}</p>
                <p className="muted">
                  {r.author?.name ?? 'A shopper'} · {new Date(r.createdAt).toLocaleDateString()} · {r.helpfulCount} found this helpful{' '}
                  {session && (
                    <button type="button" className="link" onClick={() => markHelpful({ id: r.id })}>
                      Helpful
                    </button>
                  )}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>

      {product.frequentlyBoughtTogether && product.frequentlyBoughtTogether.length > 0 && (
        <section aria-labelledby="fbt-heading">
          <h2 id="fbt-heading">Frequently bought together</h2>
          <ul className="product-row">
            {product.frequentlyBoughtTogether.map((p) => (
              <li key={p.id}>
                <Link to={`/products/${p.id}`}>{p.title}</Link> <Price money={p.price} />
              </li>
            ))}
          </ul>
        </section>
      )}
    </article>
  );
}
