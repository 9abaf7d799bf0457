import { stopOnSignals, validateSettingsOrExit } from '@marketplace/runtime';
import { startGateway } from './index';

process.env.SERVICE_NAME ??= 'gateway';
validateSettingsOrExit();
stopOnSignals(await startGateway(), 'gateway');
