import { defineSubgraph } from '@marketplace/runtime';
import { running, startNotificationService } from './consumer';
import { createContext } from './context';
import { database } from './db/client';
import { resolvers } from './resolvers';

export const { definition: notifications, migrate } = defineSubgraph({
  name: 'notifications',
  resolvers,
  createContext,
  background: () => {
    const service = startNotificationService();
    running.service = service;
    return {
      async stop() {
        await service.stop();
        if (running.service === service) running.service = null;
      },
    };
  },
  database,
  migrationsFolder: new URL('../drizzle', import.meta.url),
});
