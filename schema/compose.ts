/**
 * Composes the subgraphs' SDL into schema/supergraph.graphql.
 *   pnpm compose          writes the supergraph
 *   pnpm compose --check  fails when the checked-in supergraph is stale
 */
import { composeServices } from '@apollo/composition';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'graphql';
import { join } from 'node:path';
import { REPO_ROOT, SUBGRAPHS, subgraphSdl } from '../packages/runtime/src/subgraphs';

export const SUPERGRAPH_PATH = join(REPO_ROOT, 'schema', 'supergraph.graphql');

/** Hints that describe intended designs rather than mistakes. */
const EXPECTED_HINT_CODES = new Set([
  // Entities such as Seller and Product gather fields from several subgraphs by design.
  'INCONSISTENT_OBJECT_VALUE_TYPE_FIELD',
  // Output enums such as UserErrorCode are the same everywhere; some subgraphs use a subset.
  'INCONSISTENT_ENUM_VALUE_FOR_OUTPUT_ENUM',
]);

type CompositionHint = NonNullable<ReturnType<typeof composeServices>['hints']>[number];

/** Apollo's cache-control enum is declared for the subgraphs' own use, never used by a field. */
const isCacheControlScopeHint = (hint: CompositionHint) =>
  hint.definition.code === 'UNUSED_ENUM_TYPE' && hint.message.includes('"CacheControlScope"');

export interface CompositionResult {
  supergraphSdl: string;
  hintsThatMatter: CompositionHint[];
}

export function compose(): CompositionResult {
  const result = composeServices(
    SUBGRAPHS.map(({ name, port }) => ({
      name,
      url: `http://127.0.0.1:${port}/graphql`,
      typeDefs: parse(subgraphSdl(name)),
    })),
  );
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return {
    supergraphSdl: result.supergraphSdl,
    hintsThatMatter: result.hints.filter((h) => !EXPECTED_HINT_CODES.has(h.definition.code) && !isCacheControlScopeHint(h)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { supergraphSdl, hintsThatMatter } = compose();
  for (const hint of hintsThatMatter) console.warn(`hint ${hint.definition.code}: ${hint.message}`);
  if (process.argv.includes('--check')) {
    const current = readFileSync(SUPERGRAPH_PATH, 'utf8');
    if (current !== supergraphSdl) {
      console.error('schema/supergraph.graphql is stale: run `pnpm compose`.');
      process.exit(1);
    }
    console.log('schema/supergraph.graphql is up to date.');
  } else {
    writeFileSync(SUPERGRAPH_PATH, supergraphSdl);
    console.log(`wrote ${SUPERGRAPH_PATH}`);
  }
  if (hintsThatMatter.length > 0) process.exit(1);
}
