import { StrictMode, useMemo, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { Provider } from 'urql';
import { App } from './App';
import { createMarketplaceClient } from './lib/client';
import { useSession } from './lib/session';
import './styles.css';

/** A client per signed-in user: nothing cached for one caller is shown to the next. */
function GraphqlProvider({ children }: { children: ReactNode }) {
  const userId = useSession()?.user.id;
  const client = useMemo(() => createMarketplaceClient(), [userId]);
  return <Provider value={client}>{children}</Provider>;
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
