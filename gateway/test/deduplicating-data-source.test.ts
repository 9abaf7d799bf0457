/**
 * What each request sharing a subgraph fetch gets of it: its own copy of the data, the answer's
 * cache hints on its own cache policy, the same failure. Behind the wrapper, a subgraph whose
 * answers the test gives by hand (tests/subgraph-fetch-dedup.test.ts shares real fetches).
 */
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { describe, expect, it } from 'vitest';
import type { GatewayContext } from '../src/context';
import { DeduplicatingDataSource } from '../src/deduplicating-data-source';

type Response = Awaited<ReturnType<GraphQLDataSource['process']>>;

/** A subgraph answering each fetch when the test says, and restricting the cache policy as a real one does. */
class HandAnsweredSubgraph implements GraphQLDataSource<GatewayContext> {
  readonly fetches: { options: GraphQLDataSourceProcessOptions<GatewayContext>; answer(response: Response): void; fail(error: Error): void }[] = [];

  process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<Response> {
    return new Promise((resolve, reject) => {
      this.fetches.push({
        options,
        answer: (response) => {
          if ('incomingRequestContext' in options) options.incomingRequestContext.overallCachePolicy.restrict({ maxAge: 30, scope: 'PUBLIC' });
          resolve(response);
        },
        fail: reject,
      });
    });
  }
}

/** A request's cache policy: the hints it was restricted with. */
const cachePolicy = () => {
  const hints: unknown[] = [];
  return { hints, restrict: (hint: unknown) => void hints.push(hint) };
};

function fetchOf(opts: { kind?: 'query' | 'mutation' | null; caller?: string; variables?: Record<string, unknown>; policy?: ReturnType<typeof cachePolicy> } = {}) {
  const context = { identity: { kind: 'anonymous' }, identityAssertion: opts.caller } as GatewayContext;
  return {
    // GraphQLDataSourceRequestKind.INCOMING_OPERATION, which @apollo/gateway does not export.
    kind: 'incoming operation',
    request: { query: 'query Page__users__1($id: ID!) { user(id: $id) { name } }', variables: opts.variables ?? { id: 'u1' } },
    // A subscription event's fetch has no operation of its own (gateway/src/subscriptions/sources.ts).
    incomingRequestContext: { operation: opts.kind === null ? undefined : { operation: opts.kind ?? 'query' }, overallCachePolicy: opts.policy ?? cachePolicy(), context },
    context,
  } as unknown as GraphQLDataSourceProcessOptions<GatewayContext>;
}

const setUp = () => {
  const subgraph = new HandAnsweredSubgraph();
  return { subgraph, source: new DeduplicatingDataSource('users', subgraph) };
};

describe('DeduplicatingDataSource', () => {
  it('gives every request its own copy of the data and the cache hints on its own policy', async () => {
    const { subgraph, source } = setUp();
    const policies = [cachePolicy(), cachePolicy(), cachePolicy()];
    const answers = policies.map((policy) => source.process(fetchOf({ policy })));
    expect(subgraph.fetches).toHaveLength(1);
    subgraph.fetches[0]!.answer({ data: { user: { name: 'Ann', address: { city: 'Albany' } } } });
    const [first, ...others] = await Promise.all(answers);
    // The gateway merges later fetches into what it received: the first request's doing so changes no one else's.
    first!.data!.user.address.city = 'Merged';
    for (const other of others) expect(other.data).toEqual({ user: { name: 'Ann', address: { city: 'Albany' } } });
    for (const policy of policies) expect(policy.hints).toEqual([{ maxAge: 30, scope: 'PUBLIC' }]);
  });

  it('fails every request sharing a fetch with its error, and sends the next one afresh', async () => {
    const { subgraph, source } = setUp();
    const answers = [source.process(fetchOf()), source.process(fetchOf())];
    const failure = new Error('400: Bad Request');
    subgraph.fetches[0]!.fail(failure);
    for (const answer of answers) await expect(answer).rejects.toBe(failure);
    void source.process(fetchOf());
    expect(subgraph.fetches).toHaveLength(2);
  });

  it('shares nothing between callers, variables, mutations or subscription events', () => {
    const { subgraph, source } = setUp();
    for (const fetch of [
      fetchOf(),
      fetchOf({ caller: 'assertion of Ann' }),
      fetchOf({ caller: 'assertion of Bob' }),
      fetchOf({ variables: { id: 'u2' } }),
      fetchOf({ kind: 'mutation' }),
      fetchOf({ kind: 'mutation' }),
      fetchOf({ kind: null }),
      fetchOf({ kind: null }),
    ]) {
      void source.process(fetch);
    }
    expect(subgraph.fetches).toHaveLength(8);
  });

  it('does not let a query join a fetch sent before a mutation was answered', async () => {
    const { subgraph, source } = setUp();
    void source.process(fetchOf());
    const mutation = source.process(fetchOf({ kind: 'mutation' }));
    subgraph.fetches[1]!.answer({ data: { addAddress: { id: 'a1' } } });
    await mutation;
    void source.process(fetchOf());
    void source.process(fetchOf());
    // The query sent after the mutation, which the last one shares.
    expect(subgraph.fetches).toHaveLength(3);
  });
});
