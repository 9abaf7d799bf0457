import { startTracing, stopOnSignals, validateSettingsOrExit } from '@marketplace/runtime';

process.env.SERVICE_NAME ??= 'gateway';
validateSettingsOrExit();
// Before @apollo/gateway is loaded: it takes its tracer when loaded, from the provider registered then.
startTracing();
const { startGateway } = await import('./index');
stopOnSignals(await startGateway(), 'gateway');
