import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { MyOrdersDocument } from '../gql/graphql';
import { Empty, Loading, Price, ProblemNotice, StatusBadge } from '../components/ui';
import { useSession } from '../lib/session';
import { SignInFirst } from './SignIn';

export function OrdersPage() {
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const after = params.get('after') ?? undefined;
  const [{ data, fetching, error }] = useQuery({ query: MyOrdersDocument, variables: { first: 20, after }, pause: !session, requestPolicy: 'cache-and-network' });
  if (!session) return <SignInFirst what="your orders" />;
  const orders = data?.me?.orders;
  return (
    <section>
      <h1>Your orders</h1>
      <ProblemNotice error={error} />
      {fetching && !orders && <Loading what="Loading your orders" />}
      {orders && orders.totalCount === 0 && <Empty>No orders yet.</Empty>}
      {orders && orders.edges.length > 0 && (
        <table>
          <thead>
            <tr><th>Order</th><th>Placed</th><th>Status</th><th>Total</th></tr>
          </thead>
          <tbody>
            {orders.edges.map(({ node }) => (
              <tr key={node.id}>
                <td><Link to={`/orders/${node.id}`}>#{node.number}</Link></td>
                <td>{new Date(node.placedAt).toLocaleString()}</td>
                <td><StatusBadge status={node.status} /></td>
                <td><Price money={node.total} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label="Pages">
        {after && <button type="button" onClick={() => setParams({})}>← Newest</button>}
        {orders?.pageInfo.hasNextPage && orders.pageInfo.endCursor && (
          <button type="button" onClick={() => setParams({ after: orders.pageInfo.endCursor! })}>Older →</button>
        )}
      </nav>
    </section>
  );
}
