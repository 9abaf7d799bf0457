/**
 * The gateway's graphql-ws connections to subgraphs, one per subgraph, shared by every upstream
 * subscription to it. A connection authenticates as our service (a fresh assertion each time it
 * connects); a dropped connection (a subgraph restarting) is retried forever and its subscriptions
 * re-sent, each resuming after the last event it received.
 */
import { signIdentityAssertion, subgraphBaseUrl, type SubgraphName } from '@marketplace/runtime';
import { createClient, type Client, type ExecutionResult, type Sink, type SubscribePayload } from 'graphql-ws';
import WebSocket from 'ws';

const MAX_RETRY_WAIT_MS = 2_000;

export class UpstreamConnections {
  private readonly clients = new Map<string, Client>();

  /** Subscribes on `service`; the payload is re-read whenever the subscription is re-sent. */
  subscribe(service: string, payload: SubscribePayload, sink: Sink<ExecutionResult>): () => void {
    return this.clientOf(service).subscribe(payload, sink);
  }

  private clientOf(service: string): Client {
    let client = this.clients.get(service);
    if (!client) {
      client = createClient({
        url: `${subgraphBaseUrl(service as SubgraphName).replace(/^http/, 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: async () => ({ assertion: await signIdentityAssertion({ kind: 'service', service: 'gateway' }) }),
        lazy: true,
        lazyCloseTimeout: 5_000,
        keepAlive: 10_000,
        retryAttempts: Infinity,
        shouldRetry: () => true,
        retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(MAX_RETRY_WAIT_MS, 100 * 2 ** retries))),
      });
      this.clients.set(service, client);
    }
    return client;
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((client) => client.dispose()));
    this.clients.clear();
  }
}
