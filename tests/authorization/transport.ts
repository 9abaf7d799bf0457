/**
 * How a matrix cell reaches the gateway: HTTP for queries and mutations, graphql-ws for
 * subscriptions.
 */
import { subscribe, type GraphQLResult } from '../../scripts/graphql-client';
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

/** How long a subscription that is not refused is given to be refused after all. */
const REFUSAL_WINDOW_MS = 1500;

/**
 * A refused subscription gets one result carrying the error, at once; an accepted one stays
 * silent until an event. So: the first result within the window, else established.
 */
export const wsRunner: CellRunner | null = async (stack, { document, variables, token }) => {
  const subscription = subscribe(stack.gatewayWsUrl, document, variables, { token });
  try {
    const first = await subscription.next(REFUSAL_WINDOW_MS).catch(() => null);
    if (first) return first;
    const outcome = await Promise.race([subscription.ended, Promise.resolve(null)]);
    if (outcome && 'error' in outcome) return { status: 0, errors: [{ message: `connection closed (${outcome.closeCode ?? 'no code'})`, extensions: { code: 'UNAUTHENTICATED' } }] };
    return { status: 101, data: { subscription: {} } };
  } finally {
    await subscription.close();
  }
};
