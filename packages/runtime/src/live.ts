/**
 * Live updates in a subgraph. Subscription fields are served over graphql-ws on the subgraph's own
 * `/graphql`, to the gateway only: the gateway authenticates the connection as our service and
 * names, per subscription, the identity it subscribes for and the stream position to resume after
 * (`extensions.identity`, `extensions.resumeAfter`). Events come from the Redis streams that every
 * instance follows, so a change made through any instance reaches subscriptions on all of them.
 */
import { Repeater, SlidingBuffer } from '@repeaterjs/repeater';
import {
  createSourceEventStream,
  execute,
  GraphQLError,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Server } from 'node:http';
import { WebSocketServer } from 'ws';
import { formatError } from './errors';
import { parseEntry, streamKey, tailEvents, type Consumer, type DomainEvent } from './events';
import { parseIdentity, verifyIdentityAssertion } from './identity';
import type { Logger } from './logger';
import type { BaseContext } from './server';
import { createRedis, type Redis } from './redis';

/** Events a subscription may fall behind by before the oldest are dropped (it then sees the latest state). */
const SUBSCRIPTION_QUEUE = 100;
/** Past events are read from the stream this many at a time when a subscription catches up. */
const CATCH_UP_PAGE = 500;

/** Orders Redis stream ids (`<ms>-<seq>`). */
export function compareStreamIds(a: string, b: string): number {
  const [aMs, aSeq] = a.split('-').map(Number) as [number, number];
  const [bMs, bSeq] = b.split('-').map(Number) as [number, number];
  return aMs - bMs || (aSeq ?? 0) - (bSeq ?? 0);
}

/**
 * The stream position just before this millisecond: every event recorded from now on is after it
 * (`<now>-0` would leave out an event recorded in this same millisecond with sequence 0).
 */
export const streamPositionNow = () => `${Date.now() - 1}-${Number.MAX_SAFE_INTEGER}`;

interface Listener {
  deliver(event: DomainEvent): void;
}

/** One Redis tail per topic per process, shared by every subscription on it. */
const tails = new Map<string, { consumer: Consumer; listeners: Set<Listener> }>();
let catchUpReader: Redis | null = null;

/** Adds a listener to the topic's tail; false when the tail is new and so starts at `after` itself. */
function attach(topic: string, listener: Listener, after: string): boolean {
  const tail = tails.get(topic);
  if (tail) {
    tail.listeners.add(listener);
    return true;
  }
  const listeners = new Set<Listener>([listener]);
  const consumer = tailEvents([topic], (event) => listeners.forEach((l) => l.deliver(event)), { after });
  tails.set(topic, { consumer, listeners });
  return false;
}

function detach(topic: string, listener: Listener): void {
  const tail = tails.get(topic);
  if (!tail) return;
  tail.listeners.delete(listener);
  if (tail.listeners.size > 0) return;
  tails.delete(topic);
  void tail.consumer.stop();
  if (tails.size === 0) {
    catchUpReader?.disconnect();
    catchUpReader = null;
  }
}

/** Every event of `topic` recorded after `after`, to the stream's end, a page at a time. */
async function* eventsAfter(topic: string, after: string): AsyncGenerator<DomainEvent> {
  const reader = (catchUpReader ??= createRedis());
  for (let from = after; ; ) {
    const entries = (await reader.xrange(streamKey(topic), `(${from}`, '+', 'COUNT', CATCH_UP_PAGE)) as [string, string[]][];
    for (const entry of entries) yield parseEntry(topic, entry);
    if (entries.length < CATCH_UP_PAGE) return;
    from = entries[entries.length - 1]![0];
  }
}

/**
 * The events of `topics` that `matches` accepts, recorded after stream position `after` (default:
 * now), in stream order per topic, each once. A subscription that joins a running tail first
 * catches up from the stream itself, so nothing between `after` and joining is missed. A consumer
 * that falls behind by more than SUBSCRIPTION_QUEUE events loses the oldest.
 */
export function liveEvents(
  topics: string[],
  opts: { after?: string; matches: (event: DomainEvent) => boolean },
): AsyncIterableIterator<DomainEvent> {
  const after = opts.after ?? streamPositionNow();
  return new Repeater<DomainEvent>(async (push, stop) => {
    const lastDelivered = new Map(topics.map((t) => [t, after]));
    const emit = (event: DomainEvent) => {
      if (compareStreamIds(event.streamId, lastDelivered.get(event.topic)!) <= 0 || !opts.matches(event)) return;
      lastDelivered.set(event.topic, event.streamId);
      void push(event);
    };
    // Held while catching up, so that events come out in stream order.
    let held: DomainEvent[] | null = [];
    const listener: Listener = { deliver: (event) => (held ? held.push(event) : emit(event)) };
    const joined = topics.filter((topic) => attach(topic, listener, after));
    try {
      for (const topic of joined) for await (const event of eventsAfter(topic, after)) emit(event);
    } finally {
      held.forEach(emit);
      held = null;
    }
    await stop;
    topics.forEach((topic) => detach(topic, listener));
  }, new SlidingBuffer(SUBSCRIPTION_QUEUE));
}

/**
 * Runs a subscription the way graphql-js does, except that every event is executed with a context
 * of its own: DataLoaders cache per context, and each event must read the state after its change.
 * The stream position of the event travels in `extensions.streamId`, for the gateway to resume from.
 */
async function subscribeWithContextPerEvent(
  args: ExecutionArgs,
  contextForEvent: () => unknown,
): Promise<ExecutionResult | AsyncIterableIterator<ExecutionResult>> {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in stream)) return stream;
  const source = stream[Symbol.asyncIterator]();
  const results: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const step = await source.next();
      if (step.done) return { done: true, value: undefined };
      const event = step.value as Partial<DomainEvent>;
      const result = await execute({ ...args, rootValue: event, contextValue: contextForEvent() });
      return { done: false, value: { ...result, extensions: { ...result.extensions, streamId: event.streamId } } };
    },
    async return() {
      await source.return?.();
      return { done: true, value: undefined };
    },
    async throw(error: unknown) {
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return results;
}

/** Serves the schema's subscriptions over graphql-ws at `/graphql` of `httpServer`, for the gateway. */
export function serveSubscriptions(opts: {
  httpServer: Server;
  schema: GraphQLSchema;
  createContext: (base: BaseContext) => unknown;
  log: Logger;
}): { close(): Promise<void> } {
  const wss = new WebSocketServer({ server: opts.httpServer, path: '/graphql' });
  const contexts = new WeakMap<object, BaseContext>();
  const server = useServer<{ assertion?: string }>(
    {
      schema: opts.schema,
      // Only our own services may connect: the gateway signs a service assertion per connection.
      onConnect: async (ctx) => (await verifyIdentityAssertion(ctx.connectionParams?.assertion)).kind === 'service',
      // Queries and mutations reach subgraphs over HTTP.
      execute: () => ({ errors: [new GraphQLError('Only subscriptions are served over WebSocket.')] }),
      context: (_ctx, _id, payload) => {
        const base: BaseContext = {
          identity: parseIdentity(payload.extensions?.identity),
          log: opts.log,
          resumeAfter: typeof payload.extensions?.resumeAfter === 'string' ? payload.extensions.resumeAfter : undefined,
        };
        const context = opts.createContext(base) as object;
        contexts.set(context, base);
        return context as Record<string, unknown>;
      },
      subscribe: (args) =>
        subscribeWithContextPerEvent(args, () => opts.createContext(contexts.get(args.contextValue as object)!)),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) } : undefined,
    },
    wss,
  );
  return {
    async close() {
      await server.dispose();
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}
