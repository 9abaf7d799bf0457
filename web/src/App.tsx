import { Link, NavLink, Route, Routes, useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { LogoutDocument } from './gql/graphql';
import { getSession, setSession, useSession } from './lib/session';
import { AccountPage } from './pages/Account';
import { CartPage } from './pages/Cart';
import { CatalogPage } from './pages/Catalog';
import { CheckoutPage } from './pages/Checkout';
import { OrderPage } from './pages/Order';
import { OrdersPage } from './pages/Orders';
import { ProductPage } from './pages/Product';
import { SignInPage, SignUpPage } from './pages/SignIn';
import { SellerApiKeysPage } from './pages/seller/ApiKeys';
import { SellerDashboardPage } from './pages/seller/Dashboard';
import { SellerProductPage } from './pages/seller/ProductEdit';
import { SellerNewProductPage } from './pages/seller/ProductNew';

export function App() {
  const session = useSession();
  const navigate = useNavigate();
  const [, logout] = useMutation(LogoutDocument);
  const isSeller = session?.user.roles.includes('SELLER');

  async function signOut() {
    const refreshToken = getSession()?.refreshToken;
    setSession(null);
    if (refreshToken) await logout({ refreshToken });
    navigate('/');
  }

  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link to="/" className="brand">
          Marketplace
        </Link>
        <nav aria-label="Main">
          <NavLink to="/" end>
            Catalog
          </NavLink>
          {session ? (
            <>
              <NavLink to="/cart">Cart</NavLink>
              <NavLink to="/orders">Orders</NavLink>
              <NavLink to="/account">Account</NavLink>
              {isSeller && <NavLink to="/seller">Seller console</NavLink>}
              <button type="button" className="link" onClick={signOut}>
                Sign out ({session.user.name})
              </button>
            </>
          ) : (
            <>
              <NavLink to="/signin">Sign in</NavLink>
              <NavLink to="/signup">Create account</NavLink>
            </>
          )}
        </nav>
      </header>
      <main id="main">
        <Routes>
          <Route path="/" element={<CatalogPage />} />
          <Route path="/products/:id" element={<ProductPage />} />
          <Route path="/signin" element={<SignInPage />} />
          <Route path="/signup" element={<SignUpPage />} />
          <Route path="/account" element={<AccountPage />} />
          <Route path="/cart" element={<CartPage />} />
          <Route path="/checkout" element={<CheckoutPage />} />
          <Route path="/orders" element={<OrdersPage />} />
          <Route path="/orders/:id" element={<OrderPage />} />
          <Route path="/seller" element={<SellerDashboardPage />} />
          <Route path="/seller/products/new" element={<SellerNewProductPage />} />
          <Route path="/seller/products/:id" element={<SellerProductPage />} />
          <Route path="/seller/keys" element={<SellerApiKeysPage />} />
          <Route path="*" element={<p>Page not found. <Link to="/">Back to the catalog</Link></p>} />
        </Routes>
      </main>
    </>
  );
}
