import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setting, SUBGRAPH_NAMES } from './settings';

/** The subgraphs, with the port each listens on unless configured otherwise. */
export const SUBGRAPHS = SUBGRAPH_NAMES.map((name, index) => ({ name, port: 4001 + index }));

export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** A subgraph's full SDL: the shared definitions in schema/common.graphql, then its own schema.graphql. */
export function subgraphSdl(name: SubgraphName): string {
  const common = readFileSync(join(REPO_ROOT, 'schema', 'common.graphql'), 'utf8');
  const own = readFileSync(join(REPO_ROOT, 'subgraphs', name, 'schema.graphql'), 'utf8');
  return `${common}\n${own}`;
}

/** Where a subgraph listens: `<NAME>_PORT`. */
export function subgraphPort(name: SubgraphName): number {
  return setting(`${name.toUpperCase() as Uppercase<SubgraphName>}_PORT`);
}

/** Where to reach a subgraph: `<NAME>_URL` (base URL, no path), else localhost on its port. */
export function subgraphBaseUrl(name: SubgraphName): string {
  return setting(`${name.toUpperCase() as Uppercase<SubgraphName>}_URL`) ?? `http://127.0.0.1:${subgraphPort(name)}`;
}
