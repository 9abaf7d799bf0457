import CircuitBreaker from 'opossum';
import { logger } from './logger';
import { setting } from './settings';
import { trackCircuitBreaker } from './telemetry/metrics';

/** A call abandoned at its deadline. */
export class DeadlineExceededError extends Error {
  constructor(readonly target: string, readonly deadlineMs: number) {
    super(`${target}: no answer within ${deadlineMs} ms`);
    this.name = 'DeadlineExceededError';
  }
}

/**
 * Runs `work` with a signal that aborts after `deadlineMs`; rejects with DeadlineExceededError then
 * even if `work` ignores the signal, so a frozen peer never holds the caller longer.
 */
export async function withDeadline<T>(target: string, deadlineMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new DeadlineExceededError(target, deadlineMs);
      controller.abort(error);
      reject(error);
    }, deadlineMs);
  });
  try {
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A circuit breaker (opossum) around calls to one service, configured by the resilience settings:
 * after `BREAKER_ERROR_PERCENT` of at least `BREAKER_VOLUME_THRESHOLD` calls in 10 s failed, calls
 * fail at once (`EOPENBREAKER`) for `BREAKER_RESET_MS`; then one probe goes through and its success
 * closes the circuit. Deadlines are the caller's (`withDeadline`), since they differ per call.
 * `isFailure` tells answers (a 4xx, a business refusal) from failures of the service.
 */
export function serviceBreaker<A extends unknown[], R>(
  name: string,
  action: (...args: A) => Promise<R>,
  opts: { isFailure?: (error: unknown) => boolean } = {},
): CircuitBreaker<A, R> {
  const breaker = new CircuitBreaker(action, {
    timeout: false,
    errorThresholdPercentage: setting('BREAKER_ERROR_PERCENT'),
    volumeThreshold: setting('BREAKER_VOLUME_THRESHOLD'),
    resetTimeout: setting('BREAKER_RESET_MS'),
    rollingCountTimeout: 10_000,
    errorFilter: opts.isFailure ? (error: unknown) => !opts.isFailure!(error) : undefined,
  });
  breaker.on('open', () => logger.warn({ service: name }, 'circuit opened: calls fail at once'));
  breaker.on('halfOpen', () => logger.info({ service: name }, 'circuit half-open: probing'));
  breaker.on('close', () => logger.info({ service: name }, 'circuit closed'));
  trackCircuitBreaker(name, () => (breaker.opened ? 'open' : breaker.halfOpen ? 'half_open' : 'closed'));
  return breaker;
}

/** True for the rejection of a call refused because its circuit is open. */
export const isOpenCircuit = (error: unknown): boolean => (error as { code?: string } | null)?.code === 'EOPENBREAKER';
