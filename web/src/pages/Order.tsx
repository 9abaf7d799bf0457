import { useState, type FormEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useMutation, useQuery, useSubscription } from 'urql';
import { CancelOrderDocument, OrderDetailDocument, RequestReturnDocument, TrackOrderDocument, WriteReviewDocument, type TrackOrderSubscription } from '../gql/graphql';
import { Field, FormMessages, Loading, Price, ProblemNotice, SelectField, StatusBadge } from '../components/ui';
import { describeError, formErrors } from '../lib/errors';
import { useSession } from '../lib/session';
import { SignInFirst } from './SignIn';

const CANCELLABLE = ['PENDING_PAYMENT', 'CONFIRMED'];

/** An order, kept current on screen by `TrackOrder`: status, shipments and tracking numbers change as the seller ships. */
export function OrderPage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const session = useSession();
  const [{ data, fetching, error }, refetch] = useQuery({ query: OrderDetailDocument, variables: { id }, pause: !session, requestPolicy: 'cache-and-network' });
  const [live] = useSubscription({ query: TrackOrderDocument, variables: { id }, pause: !session }, (_prev: TrackOrderSubscription['orderUpdated'] | undefined, event: TrackOrderSubscription) => event.orderUpdated);
  const [cancelled, cancel] = useMutation(CancelOrderDocument);

  if (!session) return <SignInFirst what="this order" />;
  const order = data?.order;
  if (fetching && !order) return <Loading what="Loading the order" />;
  if (!order) return error ? <ProblemNotice error={error} /> : <p>No such order.</p>;

  // The latest event wins over what the page loaded with; the rest (addresses, prices) does not change.
  const event = live.data;
  const status = event?.status ?? order.status;
  const shipments = event?.shipments ?? order.shipments;
  const history = event?.events ?? order.events;
  const lineStatus = (i: number) => event?.lines[i]?.status ?? order.lines[i]?.status;
  const cancelErrors = formErrors(cancelled.data?.cancelOrder.userErrors);

  return (
    <section className="order">
      {params.get('placed') && status !== 'PAYMENT_FAILED' && (
        <p className="notice ok" role="status">
          Thank you! Your order #{order.number} is placed.
        </p>
      )}
      <h1>
        Order #{order.number} <StatusBadge status={status} />
      </h1>
      <p className="muted">
        Placed {new Date(order.placedAt).toLocaleString()}
        {order.estimatedDelivery && <> · estimated delivery {new Date(order.estimatedDelivery).toLocaleDateString()}</>}
        {' · '}
        <span aria-live="polite">{live.error ? 'live updates paused' : 'updates live'}</span>
      </p>
      <ProblemNotice problem={describeError(error)} />

      <table>
        <caption>Items</caption>
        <thead>
          <tr><th>Product</th><th>Store</th><th>Qty</th><th>Price</th><th>Status</th></tr>
        </thead>
        <tbody>
          {order.lines.map((line, i) => (
            <tr key={line.id}>
              <td>
                {line.variant?.product ? <Link to={`/products/${line.variant.product.id}`}>{line.variant.product.title}</Link> : 'Product'}{' '}
                <span className="muted">{line.variant?.sku}</span>
              </td>
              <td>{line.variant?.product?.seller?.storeName ?? '—'}</td>
              <td>{line.quantity}</td>
              <td><Price money={line.unitPrice} /></td>
              <td data-testid="line-status"><StatusBadge status={lineStatus(i) ?? line.status} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="total">
        Total <Price money={order.total} />
        {order.payment ? <> · payment {order.payment.status.toLowerCase().replace(/_/g, ' ')}</> : <span className="muted"> · payment details unavailable</span>}
      </p>

      <section aria-labelledby="shipments-heading">
        <h2 id="shipments-heading">Shipments</h2>
        {shipments.length === 0 ? (
          <p className="muted">Nothing shipped yet.</p>
        ) : (
          <ul className="shipments" data-testid="shipments">
            {shipments.map((s, i) => (
              <li key={`${s.trackingNumber}-${i}`}>
                {s.carrier} <strong className="tracking">{s.trackingNumber}</strong> <StatusBadge status={s.status} />
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        <ol className="history">
          {history.map((e, i) => (
            <li key={i}>
              {new Date(e.at).toLocaleString()} — {e.status.replace(/_/g, ' ')}
              {e.note ? ` (${e.note})` : ''}
            </li>
          ))}
        </ol>
      </section>

      {order.shippingAddress && (
        <p className="muted">
          Ships to {order.shippingAddress.fullName}, {order.shippingAddress.line1}, {order.shippingAddress.city} {order.shippingAddress.postalCode}, {order.shippingAddress.country}
        </p>
      )}

      <div className="actions">
        {CANCELLABLE.includes(status) && (
          <button type="button" disabled={cancelled.fetching} onClick={() => cancel({ id: order.id }).then(() => refetch({ requestPolicy: 'network-only' }))}>
            Cancel order
          </button>
        )}
        <ProblemNotice error={cancelled.error} />
        <FormMessages messages={cancelErrors.general} />
      </div>

      {order.lines.some((_, i) => lineStatus(i) === 'DELIVERED') && (
        <>
          <ReturnForm orderId={order.id} lines={order.lines.filter((_, i) => lineStatus(i) === 'DELIVERED').map((l) => ({ id: l.id, title: l.variant?.product?.title ?? l.id }))} />
          {order.lines
            .filter((l, i) => lineStatus(i) === 'DELIVERED' && l.variant?.product)
            .map((l) => (
              <ReviewForm key={l.id} productId={l.variant!.product!.id} title={l.variant!.product!.title} />
            ))}
        </>
      )}
    </section>
  );
}

function ReturnForm({ orderId, lines }: { orderId: string; lines: { id: string; title: string }[] }) {
  const [chosen, setChosen] = useState<string[]>([]);
  const [reason, setReason] = useState('');
  const [result, requestReturn] = useMutation(RequestReturnDocument);
  const errors = formErrors(result.data?.requestReturn.userErrors, ['reason', 'lineIds']);
  async function submit(e: FormEvent) {
    e.preventDefault();
    await requestReturn({ orderId, lineIds: chosen, reason });
  }
  if (result.data?.requestReturn.returnRequest) return <p className="notice ok" role="status">Return requested: {result.data.requestReturn.returnRequest.status.toLowerCase()}.</p>;
  return (
    <form onSubmit={submit} className="card-form" noValidate>
      <h2>Return items</h2>
      <ProblemNotice error={result.error} />
      <FormMessages messages={errors.general} />
      <fieldset>
        <legend>Items to return</legend>
        {lines.map((l) => (
          <label key={l.id} className="check">
            <input type="checkbox" checked={chosen.includes(l.id)} onChange={(e) => setChosen(e.target.checked ? [...chosen, l.id] : chosen.filter((x) => x !== l.id))} />
            {l.title}
          </label>
        ))}
        {errors.byField.lineIds && <p className="field-error" role="alert">{errors.byField.lineIds.join(' ')}</p>}
      </fieldset>
      <Field label="Reason" required value={reason} onChange={(e) => setReason(e.target.value)} errors={errors.byField.reason} />
      <button type="submit" disabled={result.fetching || chosen.length === 0}>
        Request return
      </button>
    </form>
  );
}

function ReviewForm({ productId, title }: { productId: string; title: string }) {
  const [input, setInput] = useState({ rating: 5, title: '', body: '' });
  const [result, writeReview] = useMutation(WriteReviewDocument);
  const errors = formErrors(result.data?.writeReview.userErrors, ['rating', 'title', 'body']);
  const review = result.data?.writeReview.review;
  if (review)
    return (
      <p className="notice ok" role="status">
        Thanks for reviewing {title}
        {review.status === 'PUBLISHED' ? '; it is published.' : '; it will appear once checked.'}
      </p>
    );
  return (
    <form
      className="card-form"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        await writeReview({ input: { productId, ...input } });
      }}
    >
      <h2>Review {title}</h2>
      <ProblemNotice error={result.error} />
      <FormMessages messages={errors.general} />
      <SelectField label="Rating" value={input.rating} onChange={(e) => setInput({ ...input, rating: Number(e.target.value) })} errors={errors.byField.rating}>
        {[5, 4, 3, 2, 1].map((n) => (
          <option key={n} value={n}>{n} stars</option>
        ))}
      </SelectField>
      <Field label="Title" required value={input.title} onChange={(e) => setInput({ ...input, title: e.target.value })} errors={errors.byField.title} />
      <div className="field">
        <label htmlFor={`review-body-${productId}`}>Your review</label>
        <textarea id={`review-body-${productId}`} value={input.body} onChange={(e) => setInput({ ...input, body: e.target.value })} rows={4} />
        {errors.byField.body && <p className="field-error" role="alert">{errors.byField.body.join(' ')}</p>}
      </div>
      <button type="submit" disabled={result.fetching}>
        Publish review
      </button>
    </form>
  );
}
