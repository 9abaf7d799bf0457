/**
 * Requests this process sends to a subgraph (the gateway's query plan fetches, `callInternal`),
 * counted and timed from undici's diagnostics channels: no code on the request path knows about
 * it, whichever data source or client sends them.
 */
import { subscribe } from 'node:diagnostics_channel';
import { SUBGRAPH_NAMES } from '../settings';
import { subgraphBaseUrl } from '../subgraphs';
import { secondsSince, subgraphFetchDuration, subgraphFetches } from './metrics';

interface UndiciRequest {
  origin?: string | URL;
  path: string;
}

const originOf = new Map<string, string>();
/** The subgraph an origin belongs to, or null for anything else (the OTLP collector, a test's fetch). */
function subgraphAt(origin: string): string | null {
  // Looked up each time (tests point `<NAME>_URL` at in-process servers after start): a few string compares.
  for (const name of SUBGRAPH_NAMES) {
    const base = subgraphBaseUrl(name);
    let baseOrigin = originOf.get(base);
    if (baseOrigin === undefined) originOf.set(base, (baseOrigin = new URL(base).origin));
    if (baseOrigin === origin) return name;
  }
  return null;
}

const inFlight = new WeakMap<object, { subgraph: string; kind: 'graphql' | 'internal'; start: number; outcome?: string }>();

let observing = false;
export function observeSubgraphFetches(): void {
  if (observing) return;
  observing = true;
  subscribe('undici:request:create', (message) => {
    const { request } = message as { request: UndiciRequest };
    if (!request.origin) return;
    // Usually already an origin (`http://host:port`); normalised only when it is not one of ours as given.
    const given = String(request.origin);
    const subgraph = subgraphAt(given) ?? subgraphAt(new URL(given).origin);
    if (!subgraph) return;
    const kind = request.path.startsWith('/internal/') ? 'internal' : 'graphql';
    inFlight.set(request, { subgraph, kind, start: performance.now() });
  });
  subscribe('undici:request:headers', (message) => {
    const { request, response } = message as { request: UndiciRequest; response: { statusCode: number } };
    const fetch = inFlight.get(request);
    if (fetch) fetch.outcome = response.statusCode >= 200 && response.statusCode < 300 ? 'ok' : `http_${response.statusCode}`;
  });
  const finish = (request: UndiciRequest, failed: boolean) => {
    const fetch = inFlight.get(request);
    if (!fetch) return;
    inFlight.delete(request);
    const outcome = failed ? 'error' : (fetch.outcome ?? 'error');
    subgraphFetches.inc({ subgraph: fetch.subgraph, kind: fetch.kind, outcome });
    subgraphFetchDuration.observe({ subgraph: fetch.subgraph, kind: fetch.kind }, secondsSince(fetch.start));
  };
  subscribe('undici:request:trailers', (message) => finish((message as { request: UndiciRequest }).request, false));
  subscribe('undici:request:error', (message) => finish((message as { request: UndiciRequest }).request, true));
}
