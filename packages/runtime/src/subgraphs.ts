import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The six subgraphs, with the port each listens on unless configured otherwise. */
export const SUBGRAPHS = [
  { name: 'users', port: 4001 },
  { name: 'products', port: 4002 },
  { name: 'inventory', port: 4003 },
  { name: 'orders', port: 4004 },
  { name: 'payments', port: 4005 },
  { name: 'reviews', port: 4006 },
] as const;

export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** A subgraph's full SDL: the shared definitions in schema/common.graphql, then its own schema.graphql. */
export function subgraphSdl(name: SubgraphName): string {
  const common = readFileSync(join(REPO_ROOT, 'schema', 'common.graphql'), 'utf8');
  const own = readFileSync(join(REPO_ROOT, 'subgraphs', name, 'schema.graphql'), 'utf8');
  return `${common}\n${own}`;
}

/** Where a subgraph listens: `<NAME>_PORT`, else its default port. */
export function subgraphPort(name: SubgraphName): number {
  const fromEnv = process.env[`${name.toUpperCase()}_PORT`];
  return fromEnv ? Number(fromEnv) : SUBGRAPHS.find((s) => s.name === name)!.port;
}

/** Where to reach a subgraph: `<NAME>_URL` (base URL, no path), else localhost on its port. */
export function subgraphBaseUrl(name: SubgraphName): string {
  return process.env[`${name.toUpperCase()}_URL`] ?? `http://127.0.0.1:${subgraphPort(name)}`;
}
