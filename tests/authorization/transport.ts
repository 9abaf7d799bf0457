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

/** A refused subscription answers at once; an accepted one is given this long per trigger. */
const WAIT_MS = 500;
const TRIGGERS = 10;

export const wsRunner: CellRunner | null = async (stack, { document, variables, token, trigger }) => {
  const subscription = subscribe(stack.gatewayWsUrl, document, variables, { token });
  try {
    for (let attempt = 0; attempt <= TRIGGERS; attempt++) {
      const first = await subscription.next(WAIT_MS).catch(() => null);
      if (first) return first;
      const ended = await Promise.race([subscription.ended, Promise.resolve(null)]);
      if (ended && 'error' in ended) {
        return { status: 0, errors: [{ message: `connection closed (${ended.closeCode ?? 'no code'})`, extensions: { code: 'CONNECTION_CLOSED' } }] };
      }
      await trigger?.();
    }
    return { status: 0, errors: [{ message: 'no event arrived', extensions: { code: 'NO_EVENT' } }] };
  } finally {
    await subscription.close();
  }
};
