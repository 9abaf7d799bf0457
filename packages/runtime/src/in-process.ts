import type { FormattedExecutionResult } from 'graphql';
import type { Identity } from './identity';
import type { SubgraphName } from './subgraphs';

/**
 * The single-process topology (`pnpm start:single`): every subgraph and the gateway in one Node
 * process, the gateway reaching each subgraph's Apollo Server with `executeOperation` and
 * `callInternal` calling another subgraph's internal operation as a function, with no HTTP, socket
 * writes or JSON in between. Subgraphs started with `startSubgraph(def, { inProcess: true })`
 * register here; tests and the separate-process topology start them without, and nothing changes
 * for them.
 */
export interface LocalSubgraph {
  /** One subgraph fetch: the answer as the subgraph would send it, and its Cache-Control header. */
  execute(
    request: { query: string; variables?: Record<string, unknown>; operationName?: string },
    identity: Identity,
  ): Promise<{ result: FormattedExecutionResult; cacheControl: string | undefined }>;
  /** Its internal operations (`POST /internal/<operation>` over HTTP). */
  internal: Record<string, (input: unknown) => Promise<unknown>>;
}

const localSubgraphs = new Map<SubgraphName, LocalSubgraph>();

export function registerLocalSubgraph(name: SubgraphName, subgraph: LocalSubgraph): () => void {
  localSubgraphs.set(name, subgraph);
  return () => {
    if (localSubgraphs.get(name) === subgraph) localSubgraphs.delete(name);
  };
}

/** The subgraph when it runs in this process in the single-process topology. */
export function localSubgraph(name: SubgraphName): LocalSubgraph | undefined {
  return localSubgraphs.get(name);
}
