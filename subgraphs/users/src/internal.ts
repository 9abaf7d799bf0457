import { mountInternalRoutes, type HttpApp } from '@marketplace/runtime';
import { verifyApiKey } from './api-keys';

/** Operations other services call (contracts in runtime's internal-api.ts). */
export function mountInternal(app: HttpApp): void {
  mountInternalRoutes<'users'>(app, {
    verifyApiKey: ({ secret }) => verifyApiKey(secret),
  });
}
