import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { CategoriesDocument, CreateProductDocument } from '../../gql/graphql';
import { Field, FormMessages, ProblemNotice, SelectField } from '../../components/ui';
import { formErrors } from '../../lib/errors';
import { parseAmount } from '../../lib/money';
import { SignInFirst } from '../SignIn';
import { NotASeller, SellerNav, useSellerGate } from './Dashboard';

interface VariantDraft {
  sku: string;
  title: string;
  attributes: string;
  price: string;
}

const NEW_VARIANT: VariantDraft = { sku: '', title: '', attributes: '', price: '' };

/** `Size: 42, Color: red` → [{ name: 'Size', value: '42' }, …] */
export function parseAttributes(text: string): { name: string; value: string }[] {
  return text
    .split(',')
    .map((pair) => pair.split(':').map((s) => s.trim()))
    .filter(([name, value]) => name && value)
    .map(([name, value]) => ({ name: name!, value: value! }));
}

export function SellerNewProductPage() {
  const gate = useSellerGate();
  const navigate = useNavigate();
  const [categories] = useQuery({ query: CategoriesDocument });
  const [fields, setFields] = useState({ title: '', brand: '', description: '', categoryId: '', image: '', publish: false });
  const [variants, setVariants] = useState<VariantDraft[]>([{ ...NEW_VARIANT }]);
  const [priceErrors, setPriceErrors] = useState<Record<number, string>>({});
  const [result, createProduct] = useMutation(CreateProductDocument);
  if (gate === 'anonymous') return <SignInFirst what="your store" />;
  if (gate === 'customer') return <NotASeller />;

  const variantFields = variants.flatMap((_, i) => ['sku', 'title', 'price', 'attributes'].map((f) => `variants.${i}.${f}`));
  const errors = formErrors(result.data?.createProduct.userErrors, ['title', 'brand', 'description', 'categoryId', 'images', 'variants', ...variantFields]);
  const categoryId = fields.categoryId || categories.data?.categories[0]?.id || '';

  async function submit(e: FormEvent) {
    e.preventDefault();
    const prices = variants.map((v) => parseAmount(v.price));
    const bad = Object.fromEntries(prices.flatMap((p, i) => (p === null ? [[i, 'Enter a price such as 19.99.']] : [])));
    setPriceErrors(bad);
    if (Object.keys(bad).length) return;
    const res = await createProduct(
      {
        input: {
          title: fields.title,
          brand: fields.brand,
          description: fields.description,
          categoryId,
          images: fields.image ? [fields.image] : [],
          status: fields.publish ? 'ACTIVE' : 'DRAFT',
          variants: variants.map((v, i) => ({ sku: v.sku, title: v.title, attributes: parseAttributes(v.attributes), price: prices[i]! })),
        },
      },
    );
    const product = res.data?.createProduct.product;
    if (product) navigate(`/seller/products/${product.id}?created=1`);
  }

  const setVariant = (i: number, key: keyof VariantDraft) => (e: { target: { value: string } }) =>
    setVariants(variants.map((v, j) => (j === i ? { ...v, [key]: e.target.value } : v)));
  const set = (key: 'title' | 'brand' | 'description' | 'image') => (e: { target: { value: string } }) => setFields({ ...fields, [key]: e.target.value });

  return (
    <section className="seller">
      <SellerNav />
      <h1>New product</h1>
      <form onSubmit={submit} className="card-form" noValidate>
        <ProblemNotice error={result.error ?? categories.error} />
        <FormMessages messages={errors.general} />
        <Field label="Title" required value={fields.title} onChange={set('title')} errors={errors.byField.title} />
        <Field label="Brand" required value={fields.brand} onChange={set('brand')} errors={errors.byField.brand} />
        <div className="field">
          <label htmlFor="description">Description</label>
          <textarea id="description" rows={3} value={fields.description} onChange={set('description')} aria-invalid={errors.byField.description ? true : undefined} />
          {errors.byField.description && <p className="field-error" role="alert">{errors.byField.description.join(' ')}</p>}
        </div>
        <SelectField label="Category" value={categoryId} onChange={(e) => setFields({ ...fields, categoryId: e.target.value })} errors={errors.byField.categoryId}>
          {categories.data?.categories.map((c) => (
            <option key={c.id} value={c.id}>{c.name}</option>
          ))}
        </SelectField>
        <Field label="Image URL (optional)" type="url" value={fields.image} onChange={set('image')} errors={errors.byField.images} />
        {variants.map((v, i) => (
          <fieldset key={i} className="variant">
            <legend>Variant {i + 1}</legend>
            <div className="row">
              <Field label="SKU" required value={v.sku} onChange={setVariant(i, 'sku')} errors={errors.byField[`variants.${i}.sku`]} />
              <Field label="Variant name" required value={v.title} onChange={setVariant(i, 'title')} errors={errors.byField[`variants.${i}.title`]} />
            </div>
            <div className="row">
              <Field
                label="Price (USD)"
                inputMode="decimal"
                required
                value={v.price}
                onChange={setVariant(i, 'price')}
                errors={[...(priceErrors[i] ? [priceErrors[i]!] : []), ...(errors.byField[`variants.${i}.price`] ?? [])]}
              />
              <Field label="Attributes" hint="For example: Size: 42, Color: red" value={v.attributes} onChange={setVariant(i, 'attributes')} errors={errors.byField[`variants.${i}.attributes`]} />
            </div>
            {variants.length > 1 && (
              <button type="button" className="link" onClick={() => setVariants(variants.filter((_, j) => j !== i))}>
                Remove variant {i + 1}
              </button>
            )}
          </fieldset>
        ))}
        {errors.byField.variants && <p className="field-error" role="alert">{errors.byField.variants.join(' ')}</p>}
        <button type="button" onClick={() => setVariants([...variants, { ...NEW_VARIANT }])}>
          Add a variant
        </button>
        <label className="check">
          <input type="checkbox" checked={fields.publish} onChange={(e) => setFields({ ...fields, publish: e.target.checked })} /> Publish now (otherwise it stays a draft)
        </label>
        <button type="submit" className="primary" disabled={result.fetching}>
          Create product
        </button>
      </form>
    </section>
  );
}
