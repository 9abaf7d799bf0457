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
  /**
   * Subscriptions only: makes the awaited event happen (a shipment, a stock count). Refusals of
   * the subscription itself come before any event; refusals of a field (`onHand`) come with one.
   */
  trigger?: () => Promise<unknown>;
}

/**
 * Sends one cell's operation and answers like an HTTP response would. A WebSocket runner
 * subscribes with `connectionParams.authorization`, then calls `trigger` (again every few hundred
 * milliseconds until something arrives, since the subscription may not be live at once) and
 * answers with the first message: the error if the subscription is refused, otherwise the first
 * event as `{ data, errors }`.
 */
export type CellRunner = (stack: Stack, request: CellRequest) => Promise<GraphQLResult>;

export const httpRunner: CellRunner = (stack, { document, variables, token }) => stack.request(document, variables, token);

/** Null until the gateway serves subscriptions over graphql-ws; the matrix skips those rows until then. */
export const wsRunner: CellRunner | null = null;
