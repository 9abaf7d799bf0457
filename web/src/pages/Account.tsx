import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { AddAddressDocument, BecomeSellerDocument, MeDocument, RemoveFromWishlistDocument } from '../gql/graphql';
import { Empty, Field, FormMessages, Loading, Price, ProblemNotice } from '../components/ui';
import { formErrors } from '../lib/errors';
import { updateTokens, useSession } from '../lib/session';
import { SignInFirst } from './SignIn';

const EMPTY_ADDRESS = { fullName: '', line1: '', line2: '', city: '', region: '', postalCode: '', country: 'US', isDefault: false };

export function AccountPage() {
  const session = useSession();
  const [{ data, fetching, error }] = useQuery({ query: MeDocument, pause: !session, requestPolicy: 'cache-and-network' });
  const [removed, removeFromWishlist] = useMutation(RemoveFromWishlistDocument);
  if (!session) return <SignInFirst what="your account" />;
  const me = data?.me;
  return (
    <section>
      <h1>Your account</h1>
      <ProblemNotice error={error} />
      {fetching && !me && <Loading />}
      {me && (
        <>
          <p>
            {me.name} · {me.email}
          </p>
          <h2>Addresses</h2>
          {me.addresses.length === 0 ? (
            <Empty>No addresses yet. Add one to check out.</Empty>
          ) : (
            <ul className="addresses">
              {me.addresses.map((a) => (
                <li key={a.id}>
                  <strong>{a.fullName}</strong> {a.isDefault && <span className="badge">Default</span>}
                  <br />
                  {a.line1}
                  {a.line2 ? `, ${a.line2}` : ''}, {a.city} {a.region} {a.postalCode}, {a.country}
                </li>
              ))}
            </ul>
          )}
          <AddressForm />
          <h2>Wishlist</h2>
          <ProblemNotice error={removed.error} />
          {!me.wishlist ? (
            <p className="muted">Your wishlist is unavailable right now.</p>
          ) : me.wishlist.length === 0 ? (
            <Empty>Nothing saved yet. Save products from their pages.</Empty>
          ) : (
            <ul className="wishlist">
              {me.wishlist.map((p) => (
                <li key={p.id}>
                  <Link to={`/products/${p.id}`}>{p.title}</Link> <Price money={p.price} /> {p.inStock === false && <span className="muted">out of stock</span>}{' '}
                  <button type="button" className="link" onClick={() => removeFromWishlist({ productId: p.id })} aria-label={`Remove ${p.title} from the wishlist`}>
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          )}
          {!me.roles.includes('SELLER') && <BecomeSellerForm />}
        </>
      )}
    </section>
  );
}

export function AddressForm({ onAdded }: { onAdded?: (id: string) => void }) {
  const [input, setInput] = useState(EMPTY_ADDRESS);
  const [result, addAddress] = useMutation(AddAddressDocument);
  const fields = Object.keys(EMPTY_ADDRESS);
  const errors = formErrors(result.data?.addAddress.userErrors, fields);
  const set = (key: keyof typeof input) => (e: { target: { value: string } }) => setInput({ ...input, [key]: e.target.value });

  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await addAddress({ input: { ...input, line2: input.line2 || undefined } });
    const address = res.data?.addAddress.address;
    if (address) {
      setInput(EMPTY_ADDRESS);
      onAdded?.(address.id);
    }
  }

  return (
    <form onSubmit={submit} className="card-form" aria-labelledby="address-heading" noValidate>
      <h3 id="address-heading">Add an address</h3>
      <ProblemNotice error={result.error} />
      <FormMessages messages={errors.general} />
      <Field label="Full name" autoComplete="name" required value={input.fullName} onChange={set('fullName')} errors={errors.byField.fullName} />
      <Field label="Address line 1" autoComplete="address-line1" required value={input.line1} onChange={set('line1')} errors={errors.byField.line1} />
      <Field label="Address line 2 (optional)" autoComplete="address-line2" value={input.line2} onChange={set('line2')} errors={errors.byField.line2} />
      <div className="row">
        <Field label="City" autoComplete="address-level2" required value={input.city} onChange={set('city')} errors={errors.byField.city} />
        <Field label="Region" autoComplete="address-level1" value={input.region} onChange={set('region')} errors={errors.byField.region} />
      </div>
      <div className="row">
        <Field label="Postal code" autoComplete="postal-code" required value={input.postalCode} onChange={set('postalCode')} errors={errors.byField.postalCode} />
        <Field label="Country (2 letters)" autoComplete="country" required maxLength={2} value={input.country} onChange={set('country')} errors={errors.byField.country} />
      </div>
      <label className="check">
        <input type="checkbox" checked={input.isDefault} onChange={(e) => setInput({ ...input, isDefault: e.target.checked })} /> Use as my default address
      </label>
      <button type="submit" disabled={result.fetching}>
        Save address
      </button>
    </form>
  );
}

function BecomeSellerForm() {
  const [storeName, setStoreName] = useState('');
  const [result, becomeSeller] = useMutation(BecomeSellerDocument);
  const errors = formErrors(result.data?.becomeSeller.userErrors, ['storeName']);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await becomeSeller({ storeName });
    const p = res.data?.becomeSeller;
    // The new access token carries SELLER; the refresh token stays the same session's.
    if (p?.accessToken && p.seller) updateTokens({ accessToken: p.accessToken }, ['CUSTOMER', 'SELLER']);
  }
  return (
    <form onSubmit={submit} className="card-form" noValidate>
      <h2>Sell on the marketplace</h2>
      <ProblemNotice error={result.error} />
      <FormMessages messages={errors.general} />
      <Field label="Store name" required value={storeName} onChange={(e) => setStoreName(e.target.value)} errors={errors.byField.storeName} />
      <button type="submit" disabled={result.fetching}>
        Open my store
      </button>
    </form>
  );
}
