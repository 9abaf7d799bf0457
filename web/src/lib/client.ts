/**
 * The one GraphQL client: urql with its document cache (dependencies declared per operation in
 * cache-tags.ts; the operations go out exactly as the contract writes them), the session's access token on every
 * request (refreshed shortly before it expires, or once when the graph answers UNAUTHENTICATED),
 * and subscriptions over graphql-ws on the same `/graphql` (the token in `connectionParams`).
 * The identity of a WebSocket is settled when it opens, so a new token reopens it.
 */
import { authExchange } from '@urql/exchange-auth';
import { getOperationAST, visit, type DocumentNode } from 'graphql';
import { createClient as createWsClient } from 'graphql-ws';
import { cacheExchange, Client, fetchExchange, makeOperation, mapExchange, subscriptionExchange } from 'urql';
import { RefreshSessionDocument } from '../gql/graphql';
import { CACHE_TAGS } from './cache-tags';
import { expiresSoon, getSession, onSessionChange, setSession, updateTokens } from './session';

/** Each operation's cache tags (lib/cache-tags.ts) as urql's `additionalTypenames`. */
const declaredDependencies = mapExchange({
  onOperation(operation) {
    const tags = CACHE_TAGS[getOperationAST(operation.query)?.name?.value ?? ''];
    if (!tags) return operation;
    return makeOperation(operation.kind, operation, { ...operation.context, additionalTypenames: [...(operation.context.additionalTypenames ?? []), ...tags] });
  },
});

/**
 * The operation as the contract writes it: urql's document cache adds `__typename` to every
 * selection, which would make the text differ from the trusted-documents manifest.
 */
const asWritten = new WeakMap<DocumentNode, DocumentNode>();
const contractText = mapExchange({
  onOperation(operation) {
    if (operation.kind !== 'query' && operation.kind !== 'mutation') return operation;
    let query = asWritten.get(operation.query);
    if (!query) {
      query = visit(operation.query, { Field: (field) => (field.name.value === '__typename' ? null : undefined) });
      asWritten.set(operation.query, query);
    }
    const sent = makeOperation(operation.kind, operation, operation.context);
    sent.query = query;
    return sent;
  },
});

const isRefresh = (document: DocumentNode) =>
  document.definitions.some((d) => d.kind === 'OperationDefinition' && d.name?.value === 'RefreshSession');

export interface ClientOptions {
  /** The gateway's `/graphql`; in the browser, the page's own origin. */
  url?: string;
  /** Outside a browser (tests on Node 20), a WebSocket implementation such as `ws`'s. */
  webSocketImpl?: unknown;
  /** Tests: watch what goes on the wire. */
  fetch?: typeof fetch;
}

/** The page's own `/graphql`: the gateway serves the app (or Vite's dev server forwards to it). */
function pageGraphqlUrl(): string {
  return new URL('/graphql', (globalThis as { location?: { href: string } }).location?.href).toString();
}

export interface MarketplaceClient {
  client: Client;
  /** Closes its WebSocket and stops following the session (the app makes a new client per user). */
  dispose(): void;
}

export function createMarketplaceClient({ url = pageGraphqlUrl(), webSocketImpl, fetch }: ClientOptions = {}): MarketplaceClient {
  const ws = createWsClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl,
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    connectionParams: () => {
      const session = getSession();
      return session ? { authorization: `Bearer ${session.accessToken}` } : {};
    },
  });
  // Reopen with the new identity; graphql-ws re-subscribes what is still subscribed.
  let lastToken = getSession()?.accessToken;
  const stopFollowing = onSessionChange(() => {
    const token = getSession()?.accessToken;
    if (token !== lastToken) {
      lastToken = token;
      ws.terminate();
    }
  });

  const client = new Client({
    url,
    fetch,
    preferGetMethod: false,
    exchanges: [
      declaredDependencies,
      cacheExchange,
      contractText,
      authExchange(async (utils) => ({
        addAuthToOperation(operation) {
          const session = getSession();
          // The refresh itself goes without the (expired) access token: the gateway refuses a bad one on any request.
          return session && !isRefresh(operation.query) ? utils.appendHeaders(operation, { Authorization: `Bearer ${session.accessToken}` }) : operation;
        },
        willAuthError() {
          const session = getSession();
          return !!session && expiresSoon(session.accessToken, Date.now());
        },
        didAuthError(error) {
          return error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
        },
        async refreshAuth() {
          const session = getSession();
          if (!session) return;
          // Refresh tokens are single-use: the exchange queues every operation behind this one call.
          const result = await utils.mutate(RefreshSessionDocument, { refreshToken: session.refreshToken });
          const tokens = result.data?.refreshSession;
          if (tokens?.accessToken && tokens.refreshToken) updateTokens({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
          else if (!result.error?.networkError) setSession(null); // refused: the session is over, sign in again
        },
      })),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
        }),
      }),
    ],
  });
  return {
    client,
    dispose() {
      stopFollowing();
      void ws.dispose();
    },
  };
}
