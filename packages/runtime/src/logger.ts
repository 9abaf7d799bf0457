import { pino } from 'pino';
import { setting } from './settings';
import { traceFields } from './telemetry/tracing';

/** Lines written inside a traced request carry its `trace_id` and `span_id`, so a log line leads to its trace. */
export const logger = pino({ level: setting('LOG_LEVEL'), base: { service: setting('SERVICE_NAME') }, mixin: traceFields });
export type Logger = typeof logger;
