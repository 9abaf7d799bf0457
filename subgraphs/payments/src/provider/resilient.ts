import CircuitBreaker from 'opossum';
import { logger, paymentProviderCalls, paymentProviderDuration, secondsSince, setting, trackCircuitBreaker } from '@marketplace/runtime';
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
    trackCircuitBreaker('payment-provider', () => (this.breaker.opened ? 'open' : this.breaker.halfOpen ? 'half_open' : 'closed'));
  }

  get isOpen(): boolean {
    return this.breaker.opened;
  }

  /** A call through the breaker, counted by outcome (`payment_provider_calls_total{call, outcome}`) and timed. */
  private async call<T>(name: 'authorize' | 'capture' | 'void' | 'refund', work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    let outcome = 'error';
    try {
      const result = (await this.breaker.fire(work)) as T;
      outcome = (result as { outcome?: string } | undefined)?.outcome === 'declined' ? 'declined' : 'ok';
      return result;
    } catch (err) {
      if (err instanceof ProviderUnavailableError) {
        outcome = 'unavailable';
        throw err;
      }
      const code = (err as { code?: string }).code;
      if (code === 'ETIMEDOUT' || code === 'EOPENBREAKER') {
        outcome = 'unavailable';
        throw new ProviderUnavailableError(code);
      }
      throw err;
    } finally {
      paymentProviderCalls.inc({ call: name, outcome });
      paymentProviderDuration.observe({ call: name }, secondsSince(start));
    }
  }

  authorize(req: Parameters<PaymentProvider['authorize']>[0]) {
    return this.call('authorize', () => this.inner.authorize(req));
  }
  capture(req: Parameters<PaymentProvider['capture']>[0]) {
    return this.call('capture', () => this.inner.capture(req));
  }
  void(req: Parameters<PaymentProvider['void']>[0]) {
    return this.call('void', () => this.inner.void(req));
  }
  refund(req: Parameters<PaymentProvider['refund']>[0]) {
    return this.call('refund', () => this.inner.refund(req));
  }
}
