import { stopOnSignals } from '@marketplace/runtime';
import { startGateway } from './index';

process.env.SERVICE_NAME ??= 'gateway';
stopOnSignals(await startGateway(), 'gateway');
