// SDL lint (`pnpm lint:schema`) for the subgraphs' schemas and the definitions they share: what
// `tests/schema-lint.test.ts` and the typecheck step hold every schema change to.
import graphqlPlugin from '@graphql-eslint/eslint-plugin';

export const SCHEMA_FILES = ['schema/common.graphql', 'subgraphs/*/schema.graphql'];

export default [
  {
    files: SCHEMA_FILES,
    languageOptions: {
      parser: graphqlPlugin.parser,
      parserOptions: {
        // The rules see the whole graph: common.graphql (with its @link to Federation, which makes
        // the plugin build a subgraph schema, so @key, @shareable, @external… are known) merged
        // with every subgraph's schema, so a type used only by another subgraph is still used.
        graphQLConfig: { schema: SCHEMA_FILES },
      },
    },
    plugins: { '@graphql-eslint': graphqlPlugin },
    rules: {
      // What clients read in the schema reference and in their IDE: every type, field, argument
      // and enum value says what it is (units for money, what null means).
      '@graphql-eslint/require-description': [
        'error',
        { types: true, rootField: true, FieldDefinition: true, InputValueDefinition: true, EnumValueDefinition: true, DirectiveDefinition: true },
      ],
      '@graphql-eslint/description-style': ['error', { style: 'block' }],
      '@graphql-eslint/naming-convention': [
        'error',
        {
          types: 'PascalCase',
          FieldDefinition: 'camelCase',
          InputValueDefinition: 'camelCase',
          EnumValueDefinition: 'UPPER_CASE',
          // Mutation inputs are `<Verb><Object>Input`; query filters are `<Object>Filter`.
          InputObjectTypeDefinition: { style: 'PascalCase', requiredSuffixes: ['Input', 'Filter'] },
          'FieldDefinition[parent.name.value=/^(Query|Mutation|Subscription)$/]': {
            forbiddenPrefixes: ['get', 'query', 'mutation', 'subscribe'],
          },
        },
      ],
      // A mutation answers `<Name>Payload { …, userErrors }` (docs/conventions.md, "Outcomes").
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ObjectTypeDefinition[name.value=Mutation] > FieldDefinition > NonNullType > NamedType[name.value!=/Payload$/]',
          message: 'A mutation returns a `…Payload!` type with `userErrors`.',
        },
        {
          selector: 'ObjectTypeDefinition[name.value=Mutation] > FieldDefinition > NamedType',
          message: 'A mutation returns a non-null `…Payload!` type with `userErrors`.',
        },
      ],
      // A type nothing reaches is dead weight for clients and reviewers.
      '@graphql-eslint/no-unreachable-types': 'error',
      // Deprecation says what to use instead (CHANGELOG.md: deprecate before removing).
      '@graphql-eslint/require-deprecation-reason': 'error',
      '@graphql-eslint/no-hashtag-description': 'error',
      '@graphql-eslint/no-typename-prefix': 'error',
      '@graphql-eslint/unique-enum-value-names': 'error',
      // graphql-js' SDL validation, against the federation-aware schema: unknown directives or
      // types, directives where they may not go, wrong arguments.
      '@graphql-eslint/known-directives': 'error',
      '@graphql-eslint/known-type-names': 'error',
      '@graphql-eslint/known-argument-names': 'error',
      '@graphql-eslint/provided-required-arguments': 'error',
      '@graphql-eslint/unique-directive-names-per-location': 'error',
      '@graphql-eslint/unique-field-definition-names': 'error',
      '@graphql-eslint/unique-argument-names': 'error',
      '@graphql-eslint/unique-input-field-names': 'error',
      '@graphql-eslint/value-literals-of-correct-type': 'error',
    },
  },
];
