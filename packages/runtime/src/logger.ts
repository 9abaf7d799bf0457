import { pino } from 'pino';
import { setting } from './settings';

export const logger = pino({ level: setting('LOG_LEVEL'), base: { service: setting('SERVICE_NAME') } });
export type Logger = typeof logger;
