/**
 * Hive Gateway as `pnpm bench:gateway` runs it beside ours: the client sends the identity our
 * gateway would have signed, and Hive forwards that header (and nothing else) to the subgraphs.
 */
import { defineConfig } from '@graphql-hive/gateway';

export const gatewayConfig = defineConfig({
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => {
      const assertion = request.headers.get('x-identity-assertion');
      return assertion ? { 'x-identity-assertion': assertion } : {};
    },
  },
});
