import { useState, type FormEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { ProductPageDocument, SetStockDocument, UpdateProductDocument, WarehousesDocument, type ProductPageQuery } from '../../gql/graphql';
import { Field, FormMessages, Loading, Price, ProblemNotice, StatusBadge } from '../../components/ui';
import { formErrors } from '../../lib/errors';
import { SignInFirst } from '../SignIn';
import { NotASeller, SellerNav, useSellerGate } from './Dashboard';

type Product = NonNullable<ProductPageQuery['product']>;

export function SellerProductPage() {
  const gate = useSellerGate();
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const [{ data, fetching, error }] = useQuery({ query: ProductPageDocument, variables: { id }, pause: gate !== 'seller', requestPolicy: 'cache-and-network' });
  if (gate === 'anonymous') return <SignInFirst what="your store" />;
  if (gate === 'customer') return <NotASeller />;
  const product = data?.product;
  if (fetching && !product) return <Loading what="Loading the product" />;
  if (!product) return error ? <ProblemNotice error={error} /> : <p>No such product in your store.</p>;

  return (
    <section className="seller">
      <SellerNav />
      {params.get('created') && (
        <p className="notice ok" role="status">
          Product created. Set its stock below.
        </p>
      )}
      <h1>
        {product.title} <StatusBadge status={product.status} />
      </h1>
      <p>
        <Link to={`/products/${product.id}`}>View in the store</Link>
      </p>
      <ProblemNotice error={error} />
      <EditForm product={product} />
      <StockTable product={product} />
    </section>
  );
}

function EditForm({ product }: { product: Product }) {
  const [fields, setFields] = useState({ title: product.title, brand: product.brand, description: product.description });
  const [result, update] = useMutation(UpdateProductDocument);
  const errors = formErrors(result.data?.updateProduct.userErrors, ['title', 'brand', 'description', 'status']);
  const save = (e: FormEvent) => {
    e.preventDefault();
    update({ id: product.id, input: fields });
  };
  const setStatus = (status: 'ACTIVE' | 'DRAFT' | 'ARCHIVED') => update({ id: product.id, input: { status } });
  const set = (key: keyof typeof fields) => (e: { target: { value: string } }) => setFields({ ...fields, [key]: e.target.value });

  return (
    <form onSubmit={save} className="card-form" noValidate>
      <h2>Details</h2>
      <ProblemNotice error={result.error} />
      <FormMessages messages={errors.general} />
      {result.data?.updateProduct.product && !result.data.updateProduct.userErrors.length && (
        <p className="notice ok" role="status">Saved.</p>
      )}
      <Field label="Title" value={fields.title} onChange={set('title')} errors={errors.byField.title} />
      <Field label="Brand" value={fields.brand} onChange={set('brand')} errors={errors.byField.brand} />
      <div className="field">
        <label htmlFor="edit-description">Description</label>
        <textarea id="edit-description" rows={3} value={fields.description} onChange={set('description')} />
        {errors.byField.description && <p className="field-error" role="alert">{errors.byField.description.join(' ')}</p>}
      </div>
      <div className="actions">
        <button type="submit" disabled={result.fetching}>Save</button>
        {product.status !== 'ACTIVE' ? (
          <button type="button" className="primary" onClick={() => setStatus('ACTIVE')} disabled={result.fetching}>Publish</button>
        ) : (
          <button type="button" onClick={() => setStatus('DRAFT')} disabled={result.fetching}>Unpublish</button>
        )}
        {product.status !== 'ARCHIVED' && (
          <button type="button" onClick={() => setStatus('ARCHIVED')} disabled={result.fetching}>Archive</button>
        )}
      </div>
    </form>
  );
}

/** On hand per variant per warehouse (what `setStock` sets, as a stock count would); available is what shoppers can buy. */
function StockTable({ product }: { product: Product }) {
  const [warehouses] = useQuery({ query: WarehousesDocument });
  return (
    <section aria-labelledby="stock-heading" className="card-form">
      <h2 id="stock-heading">Stock</h2>
      <ProblemNotice error={warehouses.error} />
      {warehouses.fetching && !warehouses.data && <Loading what="Loading warehouses" />}
      {warehouses.data?.warehouses.length === 0 && <p className="muted">No warehouses exist yet; an operator creates them.</p>}
      <table className="stock-table">
        <thead>
          <tr><th>Variant</th><th>Price</th><th>Available</th><th>Set on hand in a warehouse</th></tr>
        </thead>
        <tbody>
          {product.variants.map((v) => (
            <tr key={v.id}>
              <td>{v.title} <span className="muted">{v.sku}</span></td>
              <td><Price money={v.price} /></td>
              <td data-testid={`seller-available-${v.sku}`}>{v.stock?.available ?? '—'}</td>
              <td>
                {warehouses.data?.warehouses.map((w) => (
                  <SetStockForm key={w.id} variantId={v.id} sku={v.sku} warehouse={w} />
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function SetStockForm({ variantId, sku, warehouse }: { variantId: string; sku: string; warehouse: { id: string; code: string; name: string } }) {
  const [onHand, setOnHand] = useState('');
  const [result, setStock] = useMutation(SetStockDocument);
  const errors = formErrors(result.data?.setStock.userErrors);
  const saved = result.data?.setStock.stock;
  return (
    <form
      className="inline"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (onHand.trim() === '' || !Number.isInteger(Number(onHand))) return;
        setStock({ variantId, warehouseId: warehouse.id, onHand: Number(onHand) });
      }}
    >
      <Field label={`${sku} on hand at ${warehouse.code}`} type="number" min={0} inputMode="numeric" value={onHand} onChange={(e) => setOnHand(e.target.value)} errors={[...errors.general, ...Object.values(errors.byField).flat()]} />
      <button type="submit" disabled={result.fetching}>Set</button>
      <ProblemNotice error={result.error} />
      {saved && !result.data?.setStock.userErrors.length && <span role="status" className="ok">Saved: {saved.available} available</span>}
    </form>
  );
}
