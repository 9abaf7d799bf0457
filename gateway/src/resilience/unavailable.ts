import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { Kind, parse, type FieldNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/** What clients read for a part of the answer a subgraph could not give (no service, URL or cause). */
export const UNAVAILABLE_MESSAGE = 'This part of the answer is temporarily unavailable.';

type Path = (string | number)[];
type GatewayGraphQLResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

const fieldsOf = (selectionSet: SelectionSetNode, typename?: string): string[] =>
  selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) {
      return selection.name.value === '__typename' ? [] : [(selection.alias ?? selection.name).value];
    }
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition?.name.value;
      return !condition || !typename || condition === typename ? fieldsOf(selection.selectionSet, typename) : [];
    }
    return [];
  });

/**
 * The paths, within the subgraph fetch, of the fields it would have answered: each top-level field
 * of a root fetch, or each field of each entity (`_entities.<i>.<field>`) of an entity fetch. The
 * gateway turns the latter into the entities' paths in the client's answer.
 */
export function missingPaths(options: GraphQLDataSourceProcessOptions): Path[] {
  // The plan's parsed fetch when the gateway passes it, else the fetch's text (failures only: cheap).
  const given = 'document' in options ? options.document : undefined;
  const document = given ?? (options.request.query ? parse(options.request.query) : undefined);
  const operation = document?.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) return [];
  const entities = operation.selectionSet.selections.find(
    (s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === '_entities',
  );
  if (!entities?.selectionSet) return fieldsOf(operation.selectionSet).map((field) => [field]);
  const representations = (options.request.variables?.representations ?? []) as { __typename?: string }[];
  return representations.flatMap((representation, index) =>
    fieldsOf(entities.selectionSet!, representation.__typename).map((field): Path => ['_entities', index, field]),
  );
}

/**
 * The subgraph's answer when it could not be asked (circuit open) or did not answer in time: no
 * data, and a `SERVICE_UNAVAILABLE` error per missing field, so the gateway nulls those fields
 * only and says which.
 */
export function unavailableResponse(options: GraphQLDataSourceProcessOptions): GatewayGraphQLResponse {
  const paths = missingPaths(options);
  const errors = (paths.length ? paths : [undefined]).map((path) => ({
    message: UNAVAILABLE_MESSAGE,
    ...(path ? { path } : {}),
    extensions: { code: 'SERVICE_UNAVAILABLE' },
  }));
  return { errors } as GatewayGraphQLResponse;
}
