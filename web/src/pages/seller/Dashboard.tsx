import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery, useSubscription } from 'urql';
import { LowStockAlertsDocument, MarkShipmentDeliveredDocument, SellerDashboardDocument, ShipOrderLinesDocument, type LowStockAlertsSubscription, type SellerDashboardQuery } from '../../gql/graphql';
import { Empty, Field, FormMessages, Loading, Price, ProblemNotice, SelectField, Stars, StatusBadge } from '../../components/ui';
import { describeError, formErrors, isMissing } from '../../lib/errors';
import { useSession } from '../../lib/session';
import { SignInFirst } from '../SignIn';

type Alert = LowStockAlertsSubscription['lowStockAlert'];
type SellerOrder = NonNullable<NonNullable<SellerDashboardQuery['mySeller']>['orders']>['edges'][number]['node'];

export function SellerNav() {
  return (
    <nav className="subnav" aria-label="Seller console">
      <Link to="/seller">Dashboard</Link>
      <Link to="/seller/products/new">New product</Link>
      <Link to="/seller/keys">API keys</Link>
    </nav>
  );
}

/** Hook for seller pages: who is not a seller is sent to open a store first. */
export function useSellerGate(): 'anonymous' | 'customer' | 'seller' {
  const session = useSession();
  if (!session) return 'anonymous';
  return session.user.roles.includes('SELLER') ? 'seller' : 'customer';
}

export function NotASeller() {
  return (
    <p>
      The seller console is for stores. <Link to="/account">Open a store</Link> from your account.
    </p>
  );
}

export function SellerDashboardPage() {
  const gate = useSellerGate();
  const [{ data, fetching, error }] = useQuery({ query: SellerDashboardDocument, pause: gate !== 'seller', requestPolicy: 'cache-and-network' });
  // Shipped orders leave the CONFIRMED list at once (the cache refetches it); their shipments stay here to mark delivered.
  const [shipped, setShipped] = useState<Shipped[]>([]);
  // Alerts arrive live; keep the latest per variant, newest first.
  const [alerts] = useSubscription({ query: LowStockAlertsDocument, pause: gate !== 'seller' }, (prev: Alert[] = [], event: LowStockAlertsSubscription) => [
    event.lowStockAlert,
    ...prev.filter((a) => a.variantId !== event.lowStockAlert.variantId),
  ]);
  if (gate === 'anonymous') return <SignInFirst what="your store" />;
  if (gate === 'customer') return <NotASeller />;
  const seller = data?.mySeller;
  const problem = describeError(error);
  if (fetching && !seller) return <Loading what="Loading your store" />;
  if (!seller) return <ProblemNotice problem={problem} />;

  return (
    <section className="seller">
      <SellerNav />
      <h1>{seller.storeName}</h1>
      <ProblemNotice problem={problem} />
      <div className="stats">
        <div>
          <span className="muted">Revenue</span>
          <strong>{isMissing(problem, 'mySeller.revenue') ? 'unavailable' : <Price money={seller.revenue} />}</strong>
        </div>
        <div>
          <span className="muted">Products</span>
          <strong>{seller.productCount ?? '—'}</strong>
        </div>
        <div>
          <span className="muted">Orders to ship</span>
          <strong>{seller.orders?.totalCount ?? '—'}</strong>
        </div>
        <div>
          <span className="muted">Rating</span>
          <strong>{seller.rating ? <Stars average={seller.rating.average} count={seller.rating.count} /> : '—'}</strong>
        </div>
      </div>

      <section aria-labelledby="alerts-heading">
        <h2 id="alerts-heading">Low stock</h2>
        <ul className="alerts" aria-live="polite" data-testid="low-stock">
          {(alerts.data ?? []).map((a) => (
            <li key={`live-${a.variantId}`} className="live">
              Just now: {a.variant?.product?.title ?? 'a product'} ({a.variant?.sku}) is down to {a.available} (threshold {a.threshold})
            </li>
          ))}
          {(seller.lowStock ?? [])
            .filter((s) => !alerts.data?.some((a) => a.variantId === s.variantId))
            .map((s) => (
              <li key={s.variantId}>
                {s.variant?.product?.title} ({s.variant?.sku}): {s.available} left
              </li>
            ))}
        </ul>
        {!alerts.data?.length && !seller.lowStock?.length && <p className="muted">Nothing is running low.</p>}
      </section>

      <section aria-labelledby="to-ship-heading">
        <h2 id="to-ship-heading">Orders to ship</h2>
        {!seller.orders ? (
          <p className="muted">Orders are unavailable right now.</p>
        ) : seller.orders.edges.length === 0 ? (
          <Empty>No confirmed orders waiting.</Empty>
        ) : (
          seller.orders.edges.map(({ node }) => <ShipForm key={node.id} order={node} onShipped={(s) => setShipped((list) => [s, ...list])} />)
        )}
        {shipped.length > 0 && (
          <>
            <h3>Shipped just now</h3>
            <ul className="shipped">
              {shipped.map((s) => (
                <ShippedItem key={s.id} shipment={s} />
              ))}
            </ul>
          </>
        )}
      </section>

      <section aria-labelledby="products-heading">
        <h2 id="products-heading">Products</h2>
        {!seller.products ? (
          <p className="muted">Products are unavailable right now.</p>
        ) : seller.products.edges.length === 0 ? (
          <Empty>
            No products yet. <Link to="/seller/products/new">Create one</Link>
          </Empty>
        ) : (
          <table>
            <thead>
              <tr><th>Product</th><th>Status</th><th>Stock</th></tr>
            </thead>
            <tbody>
              {seller.products.edges.map(({ node }) => (
                <tr key={node.id}>
                  <td><Link to={`/seller/products/${node.id}`}>{node.title}</Link></td>
                  <td><StatusBadge status={node.status} /></td>
                  <td>{node.inStock == null ? '—' : node.inStock ? 'In stock' : 'Out of stock'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </section>
  );
}

const CARRIERS = ['UPS', 'FedEx', 'USPS', 'DHL'];

interface Shipped {
  id: string;
  orderNumber: string;
  carrier: string;
  trackingNumber: string;
}

function ShippedItem({ shipment }: { shipment: Shipped }) {
  const [delivered, markDelivered] = useMutation(MarkShipmentDeliveredDocument);
  const errors = formErrors(delivered.data?.markShipmentDelivered.userErrors);
  return (
    <li>
      Order #{shipment.orderNumber}: {shipment.carrier} {shipment.trackingNumber}{' '}
      {delivered.data?.markShipmentDelivered.shipment?.status === 'DELIVERED' ? (
        <StatusBadge status="DELIVERED" />
      ) : (
        <button type="button" className="link" disabled={delivered.fetching} onClick={() => markDelivered({ id: shipment.id })}>
          Mark delivered
        </button>
      )}
      <ProblemNotice error={delivered.error} />
      <FormMessages messages={errors.general} />
    </li>
  );
}

function ShipForm({ order, onShipped }: { order: SellerOrder; onShipped: (shipment: Shipped) => void }) {
  const shippable = order.lines.filter((l) => l.status === 'CONFIRMED');
  const [chosen, setChosen] = useState<string[]>(shippable.map((l) => l.id));
  const [carrier, setCarrier] = useState(CARRIERS[0]!);
  const [trackingNumber, setTracking] = useState('');
  const [result, ship] = useMutation(ShipOrderLinesDocument);
  const errors = formErrors(result.data?.shipOrderLines.userErrors, ['carrier', 'trackingNumber', 'lineIds']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await ship({ input: { orderId: order.id, lineIds: chosen, carrier, trackingNumber } });
    const shipment = res.data?.shipOrderLines.shipment;
    if (shipment) {
      setTracking('');
      onShipped({ id: shipment.id, orderNumber: String(order.number), carrier: shipment.carrier, trackingNumber: shipment.trackingNumber });
    }
  }

  return (
    <form className="card-form ship" onSubmit={submit} aria-label={`Ship order ${order.number}`} noValidate>
      <h3>
        Order #{order.number} <StatusBadge status={result.data?.shipOrderLines.order?.status ?? order.status} />{' '}
        <span className="muted">{new Date(order.placedAt).toLocaleString()}</span>
      </h3>
      <ProblemNotice error={result.error} />
      <FormMessages messages={errors.general} />
      <fieldset>
        <legend>Lines</legend>
        {order.lines.map((l) => (
          <label key={l.id} className="check">
            <input
              type="checkbox"
              disabled={l.status !== 'CONFIRMED'}
              checked={chosen.includes(l.id)}
              onChange={(e) => setChosen(e.target.checked ? [...chosen, l.id] : chosen.filter((x) => x !== l.id))}
            />
            {l.quantity} × {l.variant?.sku} <StatusBadge status={l.status} />
          </label>
        ))}
      </fieldset>
      <div className="row">
        <SelectField label="Carrier" value={carrier} onChange={(e) => setCarrier(e.target.value)} errors={errors.byField.carrier}>
          {CARRIERS.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </SelectField>
        <Field label="Tracking number" required value={trackingNumber} onChange={(e) => setTracking(e.target.value)} errors={errors.byField.trackingNumber} />
      </div>
      <button type="submit" disabled={result.fetching || chosen.length === 0}>
        Ship selected lines
      </button>
    </form>
  );
}
