import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { isOpenCircuit, logger, serviceBreaker, setting, withDeadline, type SubgraphName } from '@marketplace/runtime';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { GatewayContext } from '../context';
import { unavailableResponse } from './unavailable';

/**
 * The abort signal of the subgraph fetch under way. Apollo's data source does not hand a signal to
 * its fetcher, so the deadline reaches the fetcher through the async context instead.
 */
export const fetchSignal = new AsyncLocalStorage<AbortSignal>();

/** A query's (and a subscription event's) deadline for `name`, or the mutation one. */
export function fetchDeadlineMs(name: SubgraphName, options: GraphQLDataSourceProcessOptions): number {
  const kind = 'incomingRequestContext' in options ? options.incomingRequestContext.operation?.operation : undefined;
  if (kind === 'mutation') return setting('SUBGRAPH_MUTATION_TIMEOUT_MS');
  const perSubgraph = `${name.toUpperCase()}_QUERY_TIMEOUT_MS` as `${Uppercase<SubgraphName>}_QUERY_TIMEOUT_MS`;
  return setting(perSubgraph) ?? setting('SUBGRAPH_QUERY_TIMEOUT_MS');
}

/** An HTTP 4xx from the subgraph is an answer about the request, not a sign the subgraph is failing. */
const isFailure = (error: unknown): boolean => {
  const status = (error as { extensions?: { response?: { status?: number } } }).extensions?.response?.status;
  return !(status !== undefined && status >= 400 && status < 500);
};

/**
 * One subgraph's fetches with a deadline and a circuit breaker: a fetch past its deadline is
 * abandoned (its request aborted), failures open the circuit so later fetches fail at once, and
 * either way the gateway gets an answer with the subgraph's fields missing and
 * `SERVICE_UNAVAILABLE` errors on their paths, so it answers everything else.
 */
export class ResilientDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly breaker;

  constructor(
    private readonly name: SubgraphName,
    inner: GraphQLDataSource<GatewayContext>,
  ) {
    this.breaker = serviceBreaker(
      `subgraph ${name}`,
      (options: GraphQLDataSourceProcessOptions<GatewayContext>, deadlineMs: number) =>
        withDeadline(name, deadlineMs, (signal) => fetchSignal.run(signal, () => inner.process(options))),
      { isFailure },
    );
  }

  /** Whether fetches to this subgraph currently fail at once. */
  get circuitOpen(): boolean {
    return this.breaker.opened;
  }

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    try {
      return await this.breaker.fire(options, fetchDeadlineMs(this.name, options));
    } catch (error) {
      if (!isFailure(error)) throw error;
      if (!isOpenCircuit(error)) logger.warn({ subgraph: this.name, reason: (error as Error).message }, 'subgraph fetch failed');
      return unavailableResponse(options);
    }
  }
}
