import type CircuitBreaker from 'opossum';
import { isOpenCircuit, serviceBreaker, withDeadline } from './breaker';
import { setting } from './settings';
import type { Express, Request, Response } from 'express';
import { Agent, request } from 'undici';
import { IDENTITY_HEADER, signIdentityAssertion, verifyIdentityAssertion } from './identity';
import { subgraphBaseUrl, type SubgraphName } from './subgraphs';
import { logger } from './logger';
import { localSubgraph, type LocalSubgraph } from './in-process';

/**
 * Service-to-service calls: `POST /internal/<operation>` on a subgraph, JSON in and out, allowed
 * only with a service identity signed by one of our processes. Clients never reach these: the
 * gateway routes GraphQL only, and a forged or missing assertion is refused.
 * The operations and their types are listed in `internal-api.ts`.
 */
import type { InternalApi } from './internal-api';

type Operation<S extends keyof InternalApi> = keyof InternalApi[S] & string;
type In<S extends keyof InternalApi, O extends Operation<S>> = InternalApi[S][O] extends { input: infer I } ? I : never;
type Out<S extends keyof InternalApi, O extends Operation<S>> = InternalApi[S][O] extends { output: infer R } ? R : never;

export type InternalHandlers<S extends keyof InternalApi> = {
  [O in Operation<S>]: (input: In<S, O>) => Promise<Out<S, O>>;
};

export class InternalCallError extends Error {
  constructor(readonly service: string, readonly operation: string, readonly status: number, detail: string) {
    super(`internal call ${service}/${operation} failed (${status}): ${detail}`);
  }
}

/** The HTTP app a subgraph mounts extra routes on. */
export type HttpApp = Express;

/** The internal operations mounted on each app, for the single-process topology (in-process.ts). */
export const internalHandlersOf = new WeakMap<HttpApp, Record<string, (input: unknown) => Promise<unknown>>>();

export function mountInternalRoutes<S extends keyof InternalApi>(app: HttpApp, handlers: InternalHandlers<S>): void {
  internalHandlersOf.set(app, handlers as Record<string, (input: unknown) => Promise<unknown>>);
  app.post('/internal/:operation', async (req: Request, res: Response) => {
    const identity = await verifyIdentityAssertion(req.header(IDENTITY_HEADER));
    if (identity.kind !== 'service') return void res.status(403).json({ error: 'service identity required' });
    const handler = (handlers as Record<string, (input: unknown) => Promise<unknown>>)[String(req.params.operation)];
    if (!handler) return void res.status(404).json({ error: 'unknown operation' });
    try {
      res.json({ result: await handler(req.body ?? {}) });
    } catch (err) {
      logger.error({ err, operation: req.params.operation }, 'internal operation failed');
      res.status(500).json({ error: 'internal operation failed' });
    }
  });
}

let cachedAssertion: { token: string; service: string; expires: number } | null = null;

async function serviceAssertion(): Promise<string> {
  const service = setting('SERVICE_NAME');
  if (cachedAssertion && cachedAssertion.service === service && cachedAssertion.expires > Date.now()) {
    return cachedAssertion.token;
  }
  const token = await signIdentityAssertion({ kind: 'service', service });
  cachedAssertion = { token, service, expires: Date.now() + 45_000 };
  return token;
}

/**
 * Keep-alive connections to the other subgraphs, shared by every call of this process. undici's
 * `request` rather than `fetch`: a checkout makes five of these calls, and fetch's WHATWG
 * streams, abort signals and Response objects cost several times the request itself.
 */
const internalAgent = new Agent({ keepAliveTimeout: 4_000 });

/** One breaker per service this process calls: a dead or frozen one costs its callers nothing after a few tries. */
const breakers = new Map<string, CircuitBreaker<[() => Promise<unknown>], unknown>>();
const breakerOf = (service: string) => {
  let breaker = breakers.get(service);
  if (!breaker) {
    // A 4xx is the callee answering about the request (refused, unknown operation), not failing.
    const isFailure = (error: unknown) => !(error instanceof InternalCallError && error.status >= 400 && error.status < 500);
    breaker = serviceBreaker(`internal ${service}`, (call: () => Promise<unknown>) => call(), { isFailure });
    breakers.set(service, breaker);
  }
  return breaker;
};

/**
 * Calls another subgraph's internal operation, within a deadline (`INTERNAL_CALL_TIMEOUT_MS`) and
 * through the callee's circuit breaker; throws InternalCallError on failure, timeout or an open
 * circuit (status 0 for no answer, 503 for an open circuit). A caller cannot tell whether a call
 * that timed out took effect: the operations are idempotent so that it may safely retry.
 */
export async function callInternal<S extends keyof InternalApi & SubgraphName, O extends Operation<S>>(
  service: S,
  operation: O,
  input: In<S, O>,
  opts: { timeoutMs?: number } = {},
): Promise<Out<S, O>> {
  const local = localSubgraph(service);
  if (local) return callInProcess(local, service, operation, input) as Promise<Out<S, O>>;
  const timeoutMs = opts.timeoutMs ?? setting('INTERNAL_CALL_TIMEOUT_MS');
  const call = () => withDeadline(`${service}/${operation}`, timeoutMs, (signal) => send(service, operation, input, signal));
  try {
    return (await breakerOf(service).fire(call)) as Out<S, O>;
  } catch (err) {
    if (err instanceof InternalCallError) throw err;
    if (isOpenCircuit(err)) throw new InternalCallError(service, operation, 503, 'circuit open');
    throw new InternalCallError(service, operation, 0, (err as Error).message);
  }
}

async function send<S extends keyof InternalApi & SubgraphName, O extends Operation<S>>(
  service: S,
  operation: O,
  input: In<S, O>,
  signal: AbortSignal,
): Promise<Out<S, O>> {
  let status: number;
  let body: { result?: Out<S, O>; error?: string };
  try {
    const response = await request(`${subgraphBaseUrl(service)}/internal/${operation}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: await serviceAssertion() },
      body: JSON.stringify(input),
      dispatcher: internalAgent,
      signal,
    });
    status = response.statusCode;
    body = (await response.body.json().catch(() => ({}))) as typeof body;
  } catch (err) {
    throw new InternalCallError(service, operation, 0, (err as Error).message);
  }
  if (status < 200 || status >= 300) throw new InternalCallError(service, operation, status, body.error ?? 'no body');
  return body.result as Out<S, O>;
}

/**
 * An internal operation of a subgraph in this process, called as a function with what HTTP would
 * have done to its input and output (JSON: dates become strings, undefined disappears) and the
 * same failures (InternalCallError), so callers cannot tell the difference.
 */
async function callInProcess(local: LocalSubgraph, service: string, operation: string, input: unknown): Promise<unknown> {
  const handler = local.internal[operation];
  if (!handler) throw new InternalCallError(service, operation, 404, 'unknown operation');
  let result: unknown;
  try {
    result = await handler(JSON.parse(JSON.stringify(input ?? {})));
  } catch (err) {
    logger.error({ err, operation }, 'internal operation failed');
    throw new InternalCallError(service, operation, 500, 'internal operation failed');
  }
  return result === undefined ? undefined : JSON.parse(JSON.stringify(result));
}
