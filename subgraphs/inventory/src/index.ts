import { defineSubgraph, setting, startOutboxRelay } from '@marketplace/runtime';
import { createContext } from './context';
import { database } from './db/client';
import { mountInternal } from './internal';
import { startReservationSweeper } from './reservations';
import { resolvers } from './resolvers';

const SWEEP_INTERVAL_MS = setting('RESERVATION_SWEEP_INTERVAL_MS');

export const { definition: inventory, migrate } = defineSubgraph({
  name: 'inventory',
  resolvers,
  createContext,
  routes: mountInternal,
  background: () => {
    const relay = startOutboxRelay({ schemaName: 'inventory' });
    const sweeper = startReservationSweeper(SWEEP_INTERVAL_MS);
    return {
      async stop() {
        await Promise.all([sweeper.stop(), relay.stop()]);
      },
    };
  },
  database,
  migrationsFolder: new URL('../drizzle', import.meta.url),
});
