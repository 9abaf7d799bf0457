import { useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { CartDocument, CheckoutDocument, MeDocument, type ShippingSpeed } from '../gql/graphql';
import { Empty, FormMessages, Loading, Price, ProblemNotice, SelectField } from '../components/ui';
import { CheckoutAttempts, isStillSettling } from '../lib/checkout-attempt';
import { formErrors } from '../lib/errors';
import { useSession } from '../lib/session';
import { AddressForm } from './Account';
import { SignInFirst } from './SignIn';

/** The simulated provider's public test tokens (the contract lists them). */
export const TEST_CARDS = [
  { token: 'tok_visa', label: 'Visa ending 4242 (test)' },
  { token: 'tok_mastercard', label: 'Mastercard ending 4444 (test)' },
  { token: 'tok_chargeDeclined', label: 'Card that is declined (test)' },
  { token: 'tok_chargeDeclinedInsufficientFunds', label: 'Card with insufficient funds (test)' },
  { token: 'tok_chargeDeclinedExpiredCard', label: 'Expired card (test)' },
  { token: 'tok_chargeDeclinedProcessingError', label: 'Card whose provider fails (test)' },
];

const SPEEDS: { value: ShippingSpeed; label: string }[] = [
  { value: 'STANDARD', label: 'Standard' },
  { value: 'NEXT_DAY', label: 'Next day' },
  { value: 'SAME_DAY', label: 'Same day' },
];

export function CheckoutPage() {
  const session = useSession();
  const navigate = useNavigate();
  const [me] = useQuery({ query: MeDocument, pause: !session });
  const [cartResult] = useQuery({ query: CartDocument, pause: !session, requestPolicy: 'cache-and-network' });
  const [chosenAddress, setAddress] = useState<string | null>(null);
  const [paymentToken, setPaymentToken] = useState('tok_visa');
  const [shippingSpeed, setSpeed] = useState<ShippingSpeed>('STANDARD');
  const [result, checkout] = useMutation(CheckoutDocument);
  const attempts = useRef(new CheckoutAttempts());
  // Guards the gap between a click and React re-rendering the disabled button.
  const inFlight = useRef(false);

  if (!session) return <SignInFirst what="checkout" />;
  const addresses = me.data?.me?.addresses ?? [];
  const cart = cartResult.data?.me?.cart;
  const addressId = chosenAddress ?? addresses.find((a) => a.isDefault)?.id ?? addresses[0]?.id ?? '';
  const payload = result.data?.checkout;
  const errors = formErrors(payload?.userErrors, ['shippingAddressId', 'paymentToken', 'shippingSpeed']);

  async function placeOrder(e: FormEvent) {
    e.preventDefault();
    if (inFlight.current || !addressId) return;
    inFlight.current = true;
    try {
      const choice = { shippingAddressId: addressId, paymentToken, shippingSpeed };
      const idempotencyKey = attempts.current.keyFor(choice);
      const res = await checkout({ input: { idempotencyKey, ...choice } });
      const answer = res.data?.checkout;
      if (!answer) return; // no answer (network): the same attempt is sent again with its key
      if (!isStillSettling(answer.userErrors.map((u) => u.code))) attempts.current.settled();
      if (answer.order && answer.order.status !== 'PAYMENT_FAILED') navigate(`/orders/${answer.order.id}?placed=1`);
    } finally {
      inFlight.current = false;
    }
  }

  if ((me.fetching && !me.data) || (cartResult.fetching && !cart)) return <Loading what="Loading checkout" />;
  if (cart && cart.lines.length === 0 && !payload?.order)
    return (
      <Empty>
        Your cart is empty. <Link to="/">Browse the catalog</Link>
      </Empty>
    );

  return (
    <section className="checkout">
      <h1>Checkout</h1>
      <ProblemNotice error={me.error ?? cartResult.error} />
      {cart && (
        <p>
          {cart.itemCount} items, subtotal <Price money={cart.subtotal} /> (shipping is added by speed)
        </p>
      )}
      {addresses.length === 0 ? (
        <>
          <p>Add a shipping address first.</p>
          <AddressForm onAdded={setAddress} />
        </>
      ) : (
        <form onSubmit={placeOrder} noValidate>
          <ProblemNotice error={result.error} />
          <FormMessages messages={errors.general} />
          <fieldset>
            <legend>Ship to</legend>
            {addresses.map((a) => (
              <label key={a.id} className="check">
                <input type="radio" name="address" checked={a.id === addressId} onChange={() => setAddress(a.id)} />
                {a.fullName}, {a.line1}, {a.city} {a.postalCode}, {a.country}
              </label>
            ))}
            {errors.byField.shippingAddressId && <p className="field-error" role="alert">{errors.byField.shippingAddressId.join(' ')}</p>}
          </fieldset>
          <SelectField label="Shipping speed" value={shippingSpeed} onChange={(e) => setSpeed(e.target.value as ShippingSpeed)} errors={errors.byField.shippingSpeed}>
            {SPEEDS.map((s) => (
              <option key={s.value} value={s.value}>{s.label}</option>
            ))}
          </SelectField>
          <SelectField label="Card" value={paymentToken} onChange={(e) => setPaymentToken(e.target.value)} errors={errors.byField.paymentToken}>
            {TEST_CARDS.map((c) => (
              <option key={c.token} value={c.token}>{c.label}</option>
            ))}
          </SelectField>
          <button type="submit" className="primary" disabled={result.fetching}>
            {result.fetching ? 'Placing order…' : 'Place order'}
          </button>
        </form>
      )}
    </section>
  );
}
