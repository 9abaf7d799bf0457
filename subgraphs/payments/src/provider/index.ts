import { createRedis, setting } from '@marketplace/runtime';
import { ResilientProvider } from './resilient';
import { SimulatedProvider } from './simulated';

/** The simulated provider behind the breaker; a real provider would implement PaymentProvider the same way. */
export const simulatedProvider = new SimulatedProvider(createRedis(setting('PAYMENT_PROVIDER_REDIS_URL') ?? setting('REDIS_URL')), {
  latencyMs: setting('PAYMENT_PROVIDER_LATENCY_MS'),
});
export const provider = new ResilientProvider(simulatedProvider);
export { ProviderUnavailableError, type PaymentProvider } from './types';
