import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { CartDocument, RemoveCartLineDocument, UpdateCartLineDocument } from '../gql/graphql';
import { Empty, FormMessages, Loading, Price, ProblemNotice, SelectField } from '../components/ui';
import { formErrors } from '../lib/errors';
import { quantityChoices } from '../lib/money';
import { useSession } from '../lib/session';
import { SignInFirst } from './SignIn';

export function CartPage() {
  const session = useSession();
  const [{ data, fetching, error }] = useQuery({ query: CartDocument, pause: !session, requestPolicy: 'cache-and-network' });
  const [updated, updateLine] = useMutation(UpdateCartLineDocument);
  const [removed, removeLine] = useMutation(RemoveCartLineDocument);
  if (!session) return <SignInFirst what="your cart" />;
  const cart = data?.me?.cart;
  const errors = formErrors([...(updated.data?.updateCartLine.userErrors ?? []), ...(removed.data?.removeCartLine.userErrors ?? [])]);

  return (
    <section>
      <h1>Your cart</h1>
      <ProblemNotice error={error ?? updated.error ?? removed.error} />
      <FormMessages messages={[...errors.general, ...Object.values(errors.byField).flat()]} />
      {fetching && !cart && <Loading what="Loading your cart" />}
      {cart && cart.lines.length === 0 && (
        <Empty>
          Your cart is empty. <Link to="/">Browse the catalog</Link>
        </Empty>
      )}
      {cart && cart.lines.length > 0 && (
        <>
          <table className="cart">
            <thead>
              <tr><th>Product</th><th>Price</th><th>Quantity</th><th>Total</th><th><span className="visually-hidden">Remove</span></th></tr>
            </thead>
            <tbody>
              {cart.lines.map((line) => (
                <tr key={line.id}>
                  <td>
                    <Link to={`/products/${line.variant.product.id}`}>{line.variant.product.title}</Link>
                    <br />
                    <span className="muted">{line.variant.title} · {line.variant.sku}</span>
                  </td>
                  <td><Price money={line.variant.price} /></td>
                  <td>
                    <SelectField
                      label={`Quantity of ${line.variant.product.title}`}
                      value={line.quantity}
                      onChange={(e) => updateLine({ lineId: line.id, quantity: Number(e.target.value) })}
                    >
                      {quantityChoices(line.variant.stock?.available, line.quantity).map((n) => (
                        <option key={n}>{n}</option>
                      ))}
                    </SelectField>
                  </td>
                  <td><Price money={line.lineTotal} /></td>
                  <td>
                    <button type="button" className="link" onClick={() => removeLine({ lineId: line.id })}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="total">
            Subtotal ({cart.itemCount} items): <Price money={cart.subtotal} />
          </p>
          <Link className="button" to="/checkout">
            Proceed to checkout
          </Link>
        </>
      )}
    </section>
  );
}
