/**
 * Who calls whom, read from the code (not written down by hand), for the NetworkPolicies:
 * the gateway reaches every subgraph (GraphQL, subscriptions, health), and a process reaches a
 * subgraph whose internal operations (`packages/runtime/src/internal-api.ts`) it calls with
 * `callInternal('<subgraph>', …)` anywhere in its source.
 */
import { REPO_ROOT, SUBGRAPH_NAMES, type SubgraphName } from '@marketplace/runtime';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Call {
  from: 'gateway' | SubgraphName;
  to: SubgraphName;
  /** Internal operations called, or `graphql` for the gateway's own traffic. */
  operations: string[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name))
    .filter((file) => !file.includes(`${join('src', '__generated__')}`));
}

const CALL = /callInternal\(\s*['"](\w+)['"]\s*,\s*['"](\w+)['"]/g;

/** The `callInternal` targets in one process's source folder. */
function internalCallsIn(dir: string): Map<SubgraphName, Set<string>> {
  const targets = new Map<SubgraphName, Set<string>>();
  for (const file of sourceFiles(dir)) {
    for (const [, service, operation] of readFileSync(file, 'utf8').matchAll(CALL)) {
      if (!(SUBGRAPH_NAMES as readonly string[]).includes(service)) throw new Error(`${file}: callInternal to unknown subgraph ${service}`);
      const ops = targets.get(service as SubgraphName) ?? new Set<string>();
      ops.add(operation);
      targets.set(service as SubgraphName, ops);
    }
  }
  return targets;
}

/** Every call between our processes, sorted. */
export function processCalls(): Call[] {
  const calls: Call[] = [];
  const gatewayInternal = internalCallsIn(join(REPO_ROOT, 'gateway', 'src'));
  for (const to of SUBGRAPH_NAMES) {
    calls.push({ from: 'gateway', to, operations: ['graphql', ...[...(gatewayInternal.get(to) ?? [])].sort()] });
  }
  for (const from of SUBGRAPH_NAMES) {
    for (const [to, ops] of internalCallsIn(join(REPO_ROOT, 'subgraphs', from, 'src'))) {
      if (to !== from) calls.push({ from, to, operations: [...ops].sort() });
    }
  }
  return calls.sort((a, b) => `${a.from}>${a.to}`.localeCompare(`${b.from}>${b.to}`));
}
