import { SUBGRAPHS, subgraphBaseUrl } from '@marketplace/runtime';

export interface HealthReport {
  status: 'ok' | 'unavailable';
  subgraphs: Record<string, 'ok' | 'unavailable'>;
}

/** Asks every subgraph's `/health` (which checks its database) with a short timeout. */
export async function checkHealth(): Promise<HealthReport> {
  const states = await Promise.all(
    SUBGRAPHS.map(async ({ name }) => {
      try {
        const res = await fetch(`${subgraphBaseUrl(name)}/health`, { signal: AbortSignal.timeout(1500) });
        return [name, res.ok ? 'ok' : 'unavailable'] as const;
      } catch {
        return [name, 'unavailable'] as const;
      }
    }),
  );
  const subgraphs = Object.fromEntries(states);
  return { status: states.every(([, s]) => s === 'ok') ? 'ok' : 'unavailable', subgraphs };
}
