/**
 * Plans subscriptions with Apollo's query planner, as the gateway plans queries. A subscription's
 * plan is a `SubscriptionNode`: a `primary` fetch on the subgraph that owns the subscription field
 * (its events) and a `rest` plan that completes each event across the other subgraphs.
 */
import { operationFromDocument, Supergraph, type Schema } from '@apollo/federation-internals';
import { buildOperationContext } from '@apollo/gateway';
import { QueryPlanner, type FetchNode, type PlanNode } from '@apollo/query-planner';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { selectsRestrictedFields } from '../auth-rules';

export interface PlannedSubscription {
  primary: FetchNode;
  rest: PlanNode | undefined;
  operationContext: ReturnType<typeof buildOperationContext>;
  /**
   * True when no field of the selection declares an `@auth` rule other than public: every
   * subscriber then gets the same events, whoever they are, and can share one upstream source.
   */
  sameForEveryone: boolean;
}

const PLAN_CACHE_SIZE = 500;

export class SubscriptionPlanner {
  /** The API schema clients validate against (graphql-js form). */
  readonly apiSchema: GraphQLSchema;
  /** The same, in the form Apollo's executor takes. */
  readonly apiSchemaForExecution: Schema;
  readonly supergraphSchema: GraphQLSchema;
  private readonly planner: QueryPlanner;
  private readonly plans = new Map<string, PlannedSubscription>();

  constructor(supergraphSdl: string) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.apiSchemaForExecution = supergraph.apiSchema();
    this.apiSchema = this.apiSchemaForExecution.toGraphQLJSSchema();
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.planner = new QueryPlanner(supergraph);
  }

  /** The plan of a validated subscription document, cached by its text. */
  plan(document: DocumentNode, operationName: string | undefined, cacheKey: string): PlannedSubscription {
    const cached = this.plans.get(cacheKey);
    if (cached) return cached;
    const queryPlan = this.planner.buildQueryPlan(operationFromDocument(this.apiSchemaForExecution, document, { operationName }));
    if (queryPlan.node?.kind !== 'Subscription') throw new Error('not a subscription');
    const operationContext = buildOperationContext({ schema: this.apiSchema, operationDocument: document, operationName });
    const planned: PlannedSubscription = {
      primary: queryPlan.node.primary,
      rest: queryPlan.node.rest,
      operationContext,
      sameForEveryone: !selectsRestrictedFields(this.supergraphSchema, document, operationContext.operation),
    };
    if (this.plans.size >= PLAN_CACHE_SIZE) this.plans.delete(this.plans.keys().next().value!);
    this.plans.set(cacheKey, planned);
    return planned;
  }
}

