/**
 * How a matrix cell reaches the gateway. HTTP for queries and mutations; subscriptions need a
 * WebSocket (graphql-ws) runner, which plugs in here once the gateway serves them (issue 4).
 */
import type { GraphQLResult } from '../../scripts/graphql-client';
import type { Stack } from '../../scripts/stack';

export interface CellRequest {
  document: string;
  variables: Record<string, unknown>;
  /** Bearer token (access token or API key secret); none for anonymous callers. */
  token?: string;
}

/**
 * Sends one cell's operation and answers like an HTTP response would: for a subscription, the
 * first error (UNAUTHENTICATED / FORBIDDEN…) if the gateway refuses it, otherwise `{ data: {...} }`
 * with a non-null root field once the subscription is established (without waiting for an event).
 */
export type CellRunner = (stack: Stack, request: CellRequest) => Promise<GraphQLResult>;

export const httpRunner: CellRunner = (stack, { document, variables, token }) => stack.request(document, variables, token);

/** Null until the gateway serves subscriptions over graphql-ws; the matrix skips those rows until then. */
export const wsRunner: CellRunner | null = null;
