import { defineSubgraph, startOutboxRelay } from '@marketplace/runtime';
import { startCheckoutRecovery } from './checkout/recovery';
import { createContext } from './context';
import { database } from './db/client';
import { mountInternal } from './internal';
import { resolvers } from './resolvers';

export const { definition: orders, migrate } = defineSubgraph({
  name: 'orders',
  resolvers,
  createContext,
  routes: mountInternal,
  background: () => {
    const relay = startOutboxRelay({ schemaName: 'orders' });
    const recovery = startCheckoutRecovery();
    return { stop: async () => void (await Promise.all([relay.stop(), recovery.stop()])) };
  },
  database,
  migrationsFolder: new URL('../drizzle', import.meta.url),
});
