import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { ProviderUnavailableError, type AuthorizationResult, type Card, type PaymentProvider } from './types';

/** The public test tokens of the contract, and what the simulated provider does with each. */
const TOKENS: Record<string, { card: Card; decline?: string; outage?: true }> = {
  tok_visa: { card: { brand: 'visa', last4: '4242' } },
  tok_mastercard: { card: { brand: 'mastercard', last4: '4444' } },
  tok_chargeDeclined: { card: { brand: 'visa', last4: '0002' }, decline: 'card_declined' },
  tok_chargeDeclinedInsufficientFunds: { card: { brand: 'visa', last4: '9995' }, decline: 'insufficient_funds' },
  tok_chargeDeclinedFraudulent: { card: { brand: 'visa', last4: '0019' }, decline: 'fraudulent' },
  tok_chargeDeclinedExpiredCard: { card: { brand: 'visa', last4: '0069' }, decline: 'expired_card' },
  tok_chargeDeclinedProcessingError: { card: { brand: 'visa', last4: '0119' }, outage: true },
};

const DAY_SECONDS = 24 * 60 * 60;

/**
 * A stand-in for the external provider, keeping its ledger in Redis so that, like a real one, it
 * remembers idempotency keys and charges across restarts of our processes. Tests read the ledger
 * (`authorizationCount`) to prove a customer was charged once.
 */
export class SimulatedProvider implements PaymentProvider {
  constructor(
    private readonly redis: Redis,
    private readonly opts: { latencyMs?: number; namespace?: string } = {},
  ) {}

  private key(...parts: string[]) {
    return [this.opts.namespace ?? 'payment-provider', ...parts].join(':');
  }

  private async latency() {
    if (this.opts.latencyMs) await new Promise((r) => setTimeout(r, this.opts.latencyMs));
  }

  /** Runs `work` once per idempotency key; later calls with the key get the stored result. */
  private async once<T>(operation: string, idempotencyKey: string, work: () => Promise<T>): Promise<T> {
    const resultKey = this.key('idempotency', operation, idempotencyKey);
    const stored = await this.redis.get(resultKey);
    if (stored) return JSON.parse(stored) as T;
    const result = await work();
    // First writer wins; a concurrent duplicate returns what was stored first.
    const won = await this.redis.set(resultKey, JSON.stringify(result ?? null), 'EX', DAY_SECONDS, 'NX');
    return won ? result : (JSON.parse((await this.redis.get(resultKey))!) as T);
  }

  async authorize(req: { idempotencyKey: string; amount: number; currencyCode: string; token: string }): Promise<AuthorizationResult> {
    await this.latency();
    const token = TOKENS[req.token];
    if (token?.outage) throw new ProviderUnavailableError('processing_error');
    return this.once('authorize', req.idempotencyKey, async () => {
      if (!token) return { outcome: 'declined', reason: 'invalid_token', card: null };
      if (token.decline) return { outcome: 'declined', reason: token.decline, card: token.card };
      const reference = `sim_auth_${randomUUID()}`;
      // Sent together (the client pipelines commands of one tick): one round trip, not three.
      await Promise.all([
        this.redis.hset(this.key('charge', reference), { authorized: req.amount, captured: 0, refunded: 0, voided: 0 }),
        this.redis.expire(this.key('charge', reference), 30 * DAY_SECONDS),
        this.redis.incr(this.key('authorizations')),
      ]);
      return { outcome: 'authorized', reference, card: token.card };
    });
  }

  private async charge(reference: string) {
    const charge = await this.redis.hgetall(this.key('charge', reference));
    if (!charge.authorized) throw new Error(`unknown charge ${reference}`);
    return { authorized: +charge.authorized, captured: +charge.captured!, refunded: +charge.refunded!, voided: charge.voided === '1' };
  }

  async capture(req: { idempotencyKey: string; reference: string; amount: number }): Promise<void> {
    await this.latency();
    await this.once('capture', req.idempotencyKey, async () => {
      const charge = await this.charge(req.reference);
      if (charge.voided || req.amount > charge.authorized) throw new Error('capture exceeds the authorization');
      await this.redis.hset(this.key('charge', req.reference), 'captured', req.amount);
    });
  }

  async void(req: { idempotencyKey: string; reference: string }): Promise<void> {
    await this.latency();
    await this.once('void', req.idempotencyKey, async () => {
      const charge = await this.charge(req.reference);
      if (charge.captured > 0) throw new Error('cannot void a captured charge');
      await this.redis.hset(this.key('charge', req.reference), 'voided', 1);
    });
  }

  async refund(req: { idempotencyKey: string; reference: string; amount: number }): Promise<void> {
    await this.latency();
    await this.once('refund', req.idempotencyKey, async () => {
      const charge = await this.charge(req.reference);
      if (charge.refunded + req.amount > charge.captured) throw new Error('refund exceeds the captured amount');
      await this.redis.hincrby(this.key('charge', req.reference), 'refunded', req.amount);
    });
  }

  /** How many authorizations the provider has granted (for tests: "charged once"). */
  async authorizationCount(): Promise<number> {
    return Number((await this.redis.get(this.key('authorizations'))) ?? 0);
  }
}
