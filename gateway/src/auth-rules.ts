import { TypeInfo, valueFromASTUntyped, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';

/**
 * Whether the operation (or a fragment it spreads) selects a field whose `@auth` rule is not
 * public. When it selects none, what it answers does not depend on the caller's rights: the
 * gateway may share one answer (a subscription's upstream source, a cached response) between
 * callers. `schema` is the supergraph's, where the subgraphs' `@auth` rules are composed.
 */
export function selectsRestrictedFields(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): boolean {
  let restricted = false;
  const typeInfo = new TypeInfo(schema);
  const fragments = document.definitions.filter((d) => d.kind === 'FragmentDefinition');
  for (const definition of [operation, ...fragments]) {
    visit(
      definition,
      visitWithTypeInfo(typeInfo, {
        Field() {
          const auth = typeInfo.getFieldDef()?.astNode?.directives?.find((d) => d.name.value === 'auth');
          const isPublic = auth?.arguments?.some((a) => a.name.value === 'public' && valueFromASTUntyped(a.value) === true);
          if (auth && !isPublic) restricted = true;
        },
      }),
    );
  }
  return restricted;
}
