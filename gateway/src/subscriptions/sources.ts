/**
 * Upstream sources: one per distinct subscription (same operation, variables and identity rights),
 * however many clients share it. A source subscribes to the primary fetch on the owning subgraph,
 * completes each event with the plan's `rest` through Apollo's own executor, once, and fans the
 * result out to its clients.
 */
import { executeQueryPlan, type ServiceMap } from '@apollo/gateway';
import type { FetchNode, QueryPlan } from '@apollo/query-planner';
import { Repeater, SlidingBuffer } from '@repeaterjs/repeater';
import {
  ANONYMOUS,
  callInternal,
  formatError,
  logger,
  signIdentityAssertion,
  streamPositionNow,
  unauthenticated,
  type Identity,
} from '@marketplace/runtime';
import { GraphQLError, print, type DocumentNode, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from '../context';
import { ClientStream } from './client-stream';
import type { PlannedSubscription, SubscriptionPlanner } from './planning';
import type { UpstreamConnections } from './upstream';

/** Events a client may fall behind by; beyond it its oldest undelivered events are dropped. */
const CLIENT_QUEUE = 100;
/** Events a source may fall behind by while completing earlier ones. */
const SOURCE_QUEUE = 100;
/** The service name the executor fetches an event's primary data from. */
const EVENT_SERVICE = '__subscription_event__';

type ExecuteRequestContext = Parameters<typeof executeQueryPlan>[2];

export interface SubscriptionRequest {
  document: DocumentNode;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  identity: Identity;
  /** The API key secret the client connected with, re-checked on every event (revocation). */
  apiKeySecret?: string;
}


/** What identical subscriptions share: the same rights give the same events. */
function rightsOf(identity: Identity): string {
  switch (identity.kind) {
    case 'user':
      return `user:${identity.userId}:${[...identity.roles].sort().join(',')}:${identity.sellerId ?? ''}`;
    case 'apiKey':
      return `key:${identity.keyId}:${[...identity.scopes].sort().join(',')}`;
    default:
      return identity.kind;
  }
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

class UpstreamSource {
  readonly subscribers = new Set<ClientStream<ExecutionResult>>();
  private ended = false;
  private readonly primaryEvents: Repeater<ExecutionResult>;

  constructor(
    private readonly planned: PlannedSubscription,
    private readonly request: SubscriptionRequest & { rightsIdentity: Identity },
    private readonly deps: SourceDeps,
    private readonly onEnd: () => void,
  ) {
    const { primary } = planned;
    const payload = {
      query: primary.operation,
      operationName: primary.operationName,
      variables: Object.fromEntries((primary.variableUsages ?? []).map((name) => [name, request.variables[name]])),
      // Re-sent as is when the connection to the subgraph is re-established: resumeAfter follows
      // the events received, so a restarted subgraph resumes where this source left off.
      extensions: { identity: request.rightsIdentity, resumeAfter: streamPositionNow() },
    };
    this.primaryEvents = new Repeater<ExecutionResult>(async (push, stop) => {
      const unsubscribe = deps.upstream.subscribe(primary.serviceName, payload, {
        next: (result) => {
          const streamId = result.extensions?.streamId;
          if (typeof streamId === 'string') payload.extensions.resumeAfter = streamId;
          void push(result);
        },
        error: (error) => stop(upstreamFailure(error)),
        complete: () => stop(),
      });
      await stop;
      unsubscribe();
    }, new SlidingBuffer(SOURCE_QUEUE));
    void this.run();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  private async run(): Promise<void> {
    try {
      for await (const primaryResult of this.primaryEvents) {
        const result = masked(await this.complete(primaryResult));
        this.subscribers.forEach((s) => s.push(result));
        if (!primaryResult.data) break; // refused (or failed) upstream: nothing more will come
      }
    } catch (error) {
      const errors = error instanceof GraphQLError ? [error] : [new GraphQLError('The subscription failed upstream.')];
      if (!(error instanceof GraphQLError)) logger.warn({ err: error }, 'subscription source failed');
      const result = masked({ errors });
      this.subscribers.forEach((s) => s.push(result));
    } finally {
      this.end();
    }
  }

  /** Ends the source and every client of it (their subscriptions complete). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    void this.primaryEvents.return();
    this.subscribers.forEach((s) => s.end());
    this.subscribers.clear();
    this.onEnd();
  }

  /** One event, completed across subgraphs: the primary data fetched from the event, then `rest`. */
  private async complete(primaryResult: ExecutionResult): Promise<ExecutionResult> {
    if (!primaryResult.data) return { errors: primaryResult.errors };
    const { identity, rightsIdentity, apiKeySecret } = this.request;
    if (identity.kind === 'apiKey' && !(await callInternal('users', 'verifyApiKey', { secret: apiKeySecret! }))) {
      throw unauthenticated('This API key is not valid or was revoked.');
    }
    const primaryFromEvent: FetchNode = { ...this.planned.primary, serviceName: EVENT_SERVICE };
    const plan: QueryPlan = {
      kind: 'QueryPlan',
      node: this.planned.rest ? { kind: 'Sequence', nodes: [primaryFromEvent, this.planned.rest] } : primaryFromEvent,
    };
    const serviceMap: ServiceMap = {
      ...this.deps.dataSources,
      [EVENT_SERVICE]: { process: async () => ({ data: primaryResult.data, errors: primaryResult.errors }) },
    };
    const context: GatewayContext =
      rightsIdentity.kind === 'anonymous'
        ? { identity: rightsIdentity }
        : { identity: rightsIdentity, identityAssertion: await signIdentityAssertion(rightsIdentity) };
    const requestContext = {
      context,
      request: { variables: this.request.variables, operationName: this.request.operationName },
      operationName: this.request.operationName ?? null,
      document: this.request.document,
      metrics: {},
      logger,
    } as unknown as ExecuteRequestContext;
    const { data, errors } = await executeQueryPlan(
      plan,
      serviceMap,
      requestContext,
      this.planned.operationContext,
      this.deps.planner.supergraphSchema,
      this.deps.planner.apiSchemaForExecution,
    );
    return errors?.length ? { data, errors } : { data };
  }
}

/**
 * Errors as clients may see them (no internals), done once per event rather than per client;
 * kept as GraphQLErrors, which graphql-ws serializes.
 */
function masked(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.length) return result;
  // Errors of the primary result arrive as plain objects from the subgraph's WebSocket.
  const errors = result.errors.map((error: GraphQLError | GraphQLFormattedError) => {
    const { message, path, extensions } = formatError(error instanceof GraphQLError ? error.toJSON() : error, error);
    return new GraphQLError(message, { path, extensions });
  });
  return { ...result, errors };
}

function upstreamFailure(error: unknown): Error {
  // A graphql-ws `error` message: the subgraph refused the operation itself (validation).
  if (Array.isArray(error)) return new GraphQLError(String(error[0]?.message ?? 'The subscription was refused.'));
  return new Error('upstream connection failed', { cause: error });
}

interface SourceDeps {
  planner: SubscriptionPlanner;
  upstream: UpstreamConnections;
  dataSources: ServiceMap;
}

export class SubscriptionSources {
  private readonly sources = new Map<string, UpstreamSource>();
  private clients = 0;

  constructor(private readonly deps: SourceDeps) {}

  /** A client's stream of completed events; it shares an upstream source with identical subscriptions. */
  subscribe(request: SubscriptionRequest): AsyncIterableIterator<ExecutionResult> {
    const text = print(request.document);
    const planned = this.deps.planner.plan(request.document, request.operationName, `${request.operationName ?? ''}\n${text}`);
    const rightsIdentity = planned.sameForEveryone ? ANONYMOUS : request.identity;
    const key = [text, request.operationName ?? '', stableJson(request.variables), rightsOf(rightsIdentity)].join('\n');

    let source = this.sources.get(key);
    if (!source || source.isEnded) {
      const created: UpstreamSource = new UpstreamSource(planned, { ...request, rightsIdentity }, this.deps, () => {
        if (this.sources.get(key) === created) this.sources.delete(key);
      });
      source = created;
      this.sources.set(key, source);
    }
    const joined = source;
    const stream = new ClientStream<ExecutionResult>(CLIENT_QUEUE, () => {
      this.clients--;
      joined.subscribers.delete(stream);
      if (joined.subscribers.size === 0) joined.end();
    });
    joined.subscribers.add(stream);
    this.clients++;
    return stream;
  }

  stats(): { clients: number; upstreamSources: number } {
    return { clients: this.clients, upstreamSources: this.sources.size };
  }

  /** Completes every subscription (gateway shutdown). */
  endAll(): void {
    [...this.sources.values()].forEach((source) => source.end());
  }
}
