/**
 * An Apollo Server plugin that sees every GraphQL operation a server answers: it names the
 * request's span after the operation and hands the operation's name, kind, outcome and duration
 * to `record` (the gateway's and the subgraphs' own metrics).
 */
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { bounded } from './metrics';
import { activeSpan } from './tracing';

export interface OperationSummary {
  /** Bounded: the operation's name (or `anonymous`, or `other` past the label's limit). */
  operation: string;
  /** query, mutation, subscription; `unknown` when the document did not parse or validate. */
  kind: string;
  /** `ok`, or the first error's `extensions.code`. */
  outcome: string;
  seconds: number;
}

function outcomeOf(requestContext: GraphQLRequestContextWillSendResponse<object>): string {
  const body = requestContext.response.body;
  const errors = (body.kind === 'single' ? body.singleResult.errors : undefined) ?? requestContext.errors;
  if (!errors?.length) return 'ok';
  const code = errors[0]!.extensions?.code;
  return bounded('error_code', typeof code === 'string' ? code : null, 'INTERNAL_SERVER_ERROR');
}

export function operationMetricsPlugin<TContext extends object>(
  record: (summary: OperationSummary, requestContext: GraphQLRequestContextWillSendResponse<TContext>) => void,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const start = performance.now();
      return {
        async didResolveOperation({ operation, operationName }) {
          const span = activeSpan();
          if (!span || !operation) return;
          span.updateName(`${operation.operation} ${operationName ?? 'anonymous'}`);
          span.setAttributes({ 'graphql.operation.type': operation.operation, 'graphql.operation.name': operationName ?? '' });
        },
        async willSendResponse(requestContext) {
          record(
            {
              operation: bounded('operation', requestContext.operationName),
              kind: requestContext.operation?.operation ?? 'unknown',
              outcome: outcomeOf(requestContext as GraphQLRequestContextWillSendResponse<object>),
              seconds: (performance.now() - start) / 1000,
            },
            requestContext,
          );
        },
      };
    },
  };
}
