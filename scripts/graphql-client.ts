import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface GraphQLResult<T = any> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** POSTs an operation to a GraphQL endpoint the way a client app does. */
export async function graphql<T = any>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  opts: { token?: string; headers?: Record<string, string> } = {},
): Promise<GraphQLResult<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as Omit<GraphQLResult<T>, 'status'>;
  return { status: res.status, ...body };
}

/** The first error's code, for assertions. */
export const errorCode = (result: GraphQLResult) => result.errors?.[0]?.extensions?.code;

/** A subscription through graphql-ws, as a client app holds one: events are queued until taken. */
export interface LiveSubscription<T = any> {
  /** The next event not yet taken; rejects when none arrives within `timeoutMs`. */
  next(timeoutMs?: number): Promise<GraphQLResult<T>>;
  /** Events that arrived and were not taken yet. */
  readonly pending: GraphQLResult<T>[];
  /** Settles when the subscription ends: completed by the server, or an error / close code. */
  readonly ended: Promise<{ completed: true } | { error: unknown; closeCode?: number }>;
  close(): Promise<void>;
}

/** Subscribes over graphql-ws at `url` (ws://…/graphql), authenticated like the storefront does. */
export function subscribe<T = any>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  opts: { token?: string } = {},
): LiveSubscription<T> {
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
    retryAttempts: 0,
  });
  const pending: GraphQLResult<T>[] = [];
  let wake: (() => void) | null = null;
  let settle!: (outcome: { completed: true } | { error: unknown; closeCode?: number }) => void;
  const ended = new Promise<{ completed: true } | { error: unknown; closeCode?: number }>((resolve) => (settle = resolve));
  client.subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        pending.push({ status: 200, ...(result as Omit<GraphQLResult<T>, 'status'>) });
        wake?.();
      },
      complete: () => settle({ completed: true }),
      error: (error) => settle({ error, closeCode: (error as { code?: number }).code }),
    },
  );
  return {
    pending,
    ended,
    async next(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (pending.length === 0) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no event within ${timeoutMs} ms`);
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, left);
        });
        clearTimeout(timer);
        wake = null;
      }
      return pending.shift()!;
    },
    close: () => client.dispose() as Promise<void>,
  };
}
