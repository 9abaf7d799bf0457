/**
 * Typed documents for the storefront: graphql-codegen's client preset over the client contract's
 * operations (`../shared/contract/*.graphql`, the only operations the app sends), typed against
 * the composed API schema (the supergraph without its federation machinery). The output is
 * checked in (`web/src/gql/`), so the app builds without the contract beside it;
 * `web/test/codegen.test.ts` fails when it is stale (run `pnpm codegen`).
 */
import type { CodegenConfig } from '@graphql-codegen/cli';
import { Supergraph } from '@apollo/federation-internals';
import { printSchema } from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTRACT_DIR } from '../scripts/contract';

const WEB = import.meta.dirname;
const supergraphSdl = readFileSync(join(WEB, '..', 'schema', 'supergraph.graphql'), 'utf8');
const apiSchema = printSchema(Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema());

const config: CodegenConfig = {
  overwrite: true,
  schema: apiSchema,
  documents: [join(CONTRACT_DIR, '*.graphql')],
  generates: {
    [join(WEB, 'src', 'gql') + '/']: {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { enumsAsTypes: true, useTypeImports: true, skipTypename: true, scalars: { DateTime: 'string' } },
    },
  },
};

export default config;
