import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { Provider } from 'urql';
import { App } from './App';
import { createMarketplaceClient, type MarketplaceClient } from './lib/client';
import { useSession } from './lib/session';
import './styles.css';

/**
 * A client per signed-in user, so nothing cached for one caller is shown to the next; the previous
 * one is closed when the user changes. Kept outside React so StrictMode's double effects in
 * development cannot close the client in use.
 */
let current: { userId: string | undefined; marketplace: MarketplaceClient } | null = null;
function clientFor(userId: string | undefined) {
  if (!current || current.userId !== userId) {
    current?.marketplace.dispose();
    current = { userId, marketplace: createMarketplaceClient() };
  }
  return current.marketplace.client;
}

function GraphqlProvider({ children }: { children: ReactNode }) {
  return <Provider value={clientFor(useSession()?.user.id)}>{children}</Provider>;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <GraphqlProvider>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </GraphqlProvider>
  </StrictMode>,
);
