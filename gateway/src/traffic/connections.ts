/**
 * Bounds on what one client holds open for subscriptions: WebSocket connections per client on this
 * gateway process (CONNECTIONS_PER_CLIENT), subscriptions per connection
 * (SUBSCRIPTIONS_PER_CONNECTION), and each subscription's cost within TRAFFIC_MAX_OPERATION_COST.
 * Subscriptions take no points from buckets: their load is what they hold open.
 */
import { rateLimitRefusals, setting, type Identity } from '@marketplace/runtime';
import { GraphQLError, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { IncomingMessage } from 'node:http';
import { clientAddress, clientOf } from './client';
import { CostCalculator } from './cost';

export class SubscriptionLimits {
  private readonly open_ = new Map<string, number>();
  private readonly costs: CostCalculator;

  constructor(apiSchema: GraphQLSchema, supergraphSdl: string) {
    this.costs = new CostCalculator(apiSchema, supergraphSdl);
  }

  /** Errors for a subscription dearer than one operation may be; undefined when it may run. */
  refuseCostly(document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): GraphQLError[] | undefined {
    const requested = this.costs.requested(this.costs.compile(document, operation), variables);
    const ceiling = setting('TRAFFIC_MAX_OPERATION_COST');
    if (requested <= ceiling) return undefined;
    return [new GraphQLError(`This subscription costs ${requested}, more than the ${ceiling} one operation may cost.`, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })];
  }

  /** Counts a new connection against its client: the client's id, or undefined when it holds too many. */
  open(identity: Identity, request: IncomingMessage): string | undefined {
    const client = clientOf(identity, clientAddress(request)).id;
    const held = this.open_.get(client) ?? 0;
    if (held >= setting('CONNECTIONS_PER_CLIENT')) return undefined;
    this.open_.set(client, held + 1);
    return client;
  }

  close(client: string | undefined): void {
    if (client === undefined) return;
    const held = (this.open_.get(client) ?? 1) - 1;
    if (held > 0) this.open_.set(client, held);
    else this.open_.delete(client);
  }

  /** graphql-ws `onSubscribe`: errors for a subscription beyond the connection's bound (`active` counts it). */
  refuseSubscription(active: number): GraphQLError[] | undefined {
    if (active <= setting('SUBSCRIPTIONS_PER_CONNECTION')) return undefined;
    rateLimitRefusals.inc({ limiter: 'subscriptions' });
    return [
      new GraphQLError(`At most ${setting('SUBSCRIPTIONS_PER_CONNECTION')} subscriptions per connection: complete one first, or open another connection.`, {
        extensions: { code: 'RATE_LIMITED' },
      }),
    ];
  }
}
