import CircuitBreaker from 'opossum';
import { logger, setting } from '@marketplace/runtime';
import { ProviderUnavailableError, type PaymentProvider } from './types';

/**
 * Every call to the provider goes through one circuit breaker: a call slower than `timeoutMs`
 * counts as failed, and after repeated failures the circuit opens and calls fail at once (as
 * UNAVAILABLE) instead of piling up, until a trial call succeeds. Declines are answers, not failures.
 */
export class ResilientProvider implements PaymentProvider {
  private readonly breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;

  constructor(
    private readonly inner: PaymentProvider,
    opts: { timeoutMs?: number; resetTimeoutMs?: number } = {},
  ) {
    this.breaker = new CircuitBreaker((call: () => Promise<unknown>) => call(), {
      timeout: opts.timeoutMs ?? setting('PAYMENT_PROVIDER_TIMEOUT_MS'),
      resetTimeout: opts.resetTimeoutMs ?? 10_000,
      errorThresholdPercentage: 50,
      volumeThreshold: 5,
      rollingCountTimeout: 10_000,
    });
    this.breaker.on('open', () => logger.warn('payment provider circuit opened'));
    this.breaker.on('close', () => logger.info('payment provider circuit closed'));
  }

  get isOpen(): boolean {
    return this.breaker.opened;
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return (await this.breaker.fire(work)) as T;
    } catch (err) {
      if (err instanceof ProviderUnavailableError) throw err;
      const code = (err as { code?: string }).code;
      if (code === 'ETIMEDOUT' || code === 'EOPENBREAKER') throw new ProviderUnavailableError(code);
      throw err;
    }
  }

  authorize(req: Parameters<PaymentProvider['authorize']>[0]) {
    return this.call(() => this.inner.authorize(req));
  }
  capture(req: Parameters<PaymentProvider['capture']>[0]) {
    return this.call(() => this.inner.capture(req));
  }
  void(req: Parameters<PaymentProvider['void']>[0]) {
    return this.call(() => this.inner.void(req));
  }
  refund(req: Parameters<PaymentProvider['refund']>[0]) {
    return this.call(() => this.inner.refund(req));
  }
}
