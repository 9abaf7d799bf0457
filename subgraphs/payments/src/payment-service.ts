/**
 * What payments does with money: authorize an order's total once, capture it when goods ship, void
 * it when an order is cancelled before that, refund captured money. Each operation locks the
 * payment row for its duration (provider call included, bounded by the breaker's timeout), so
 * retries and concurrent calls for one order happen one after the other and apply once.
 */
import { type AuthorizationOutcome, inTransaction, type NewEvent, preparedStatement, recordEvents, setting, userError } from '@marketplace/runtime';
import type { UserError } from './__generated__/resolvers-types';
import { eq, getTableColumns, sql } from 'drizzle-orm';
import { db, type Db } from './db/client';
import { outbox, payments, refunds, type PaymentRow, type RefundRow } from './db/schema';
import { provider, ProviderUnavailableError, type PaymentProvider } from './provider';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Simple fraud rules: refuse absurd amounts and bursts of orders from one customer. */
const FRAUD_RULES = {
  maxAmount: setting('FRAUD_MAX_AMOUNT'),
  velocityWindowMs: 10 * 60 * 1000,
  maxAuthorizationsInWindow: setting('FRAUD_MAX_ORDERS_PER_10_MIN'),
};

export class InvalidPaymentState extends Error {}

/**
 * A new payment's row, with the customer's authorizations within the velocity window (a subquery
 * of the insert). Every checkout's: built once.
 */
const createPayment = preparedStatement((database: Db) =>
  database
    .insert(payments)
    .values({
      orderId: sql.placeholder('orderId'),
      customerId: sql.placeholder('customerId'),
      amount: sql.placeholder('amount'),
      currencyCode: sql.placeholder('currencyCode'),
    })
    .onConflictDoNothing({ target: payments.orderId })
    .returning({
      ...getTableColumns(payments),
      recentAuthorizations: sql<number>`(select count(*) from ${payments} where ${payments.customerId} = ${sql.placeholder('customerId')}
        and ${payments.createdAt} >= now() - make_interval(secs => ${FRAUD_RULES.velocityWindowMs / 1000}))`.mapWith(Number),
    })
    .prepare('payments:createPayment'),
);

export class PaymentService {
  constructor(
    private readonly database: Db = db,
    private readonly paymentProvider: PaymentProvider = provider,
  ) {}

  private async lockByOrder(tx: Tx, orderId: string): Promise<PaymentRow | undefined> {
    const [row] = await tx.select().from(payments).where(eq(payments.orderId, orderId)).for('update');
    return row;
  }

  /**
   * Updates the payment and records `payment.updated`, in one statement of the caller's
   * transaction. The payment is locked by it, so the row after the change is known without
   * reading it back. `alsoRecord`: further events of the same change.
   */
  private async update(tx: Tx, payment: PaymentRow, patch: Partial<PaymentRow>, alsoRecord: NewEvent[] = []): Promise<PaymentRow> {
    const row: PaymentRow = { ...payment, ...patch, updatedAt: new Date() };
    await recordEvents(
      tx,
      outbox,
      [{ topic: 'payment.updated', key: row.orderId, payload: { paymentId: row.id, orderId: row.orderId, status: row.status } }, ...alsoRecord],
      [tx.update(payments).set({ ...patch, updatedAt: row.updatedAt }).where(eq(payments.id, payment.id))],
    );
    return row;
  }

  private static outcome(payment: PaymentRow): AuthorizationOutcome {
    if (payment.status === 'FAILED') {
      return payment.failureReason === 'provider_unavailable'
        ? { status: 'UNAVAILABLE', paymentId: payment.id }
        : { status: 'DECLINED', paymentId: payment.id, reason: payment.failureReason ?? 'declined' };
    }
    if (payment.status === 'VOIDED') return { status: 'DECLINED', paymentId: payment.id, reason: 'voided' };
    return { status: 'AUTHORIZED', paymentId: payment.id };
  }

  private static fraudReason(payment: PaymentRow, recentAuthorizations: number): string | null {
    if (payment.amount > FRAUD_RULES.maxAmount) return 'amount_limit';
    return recentAuthorizations >= FRAUD_RULES.maxAuthorizationsInWindow ? 'velocity_limit' : null;
  }

  async authorize(input: {
    orderId: string;
    customerId: string;
    amount: number;
    currencyCode: string;
    paymentToken: string;
  }): Promise<AuthorizationOutcome> {
    return this.database.transaction(async (tx) => {
      // A row this transaction inserts is already locked by it, and stays PENDING only inside it:
      // a retry finds the outcome of the first call, committed.
      const [created] = await inTransaction(tx, createPayment(this.database)).execute({
        orderId: input.orderId,
        customerId: input.customerId,
        amount: input.amount,
        currencyCode: input.currencyCode,
      });
      if (!created) return PaymentService.outcome((await this.lockByOrder(tx, input.orderId))!);
      const { recentAuthorizations, ...payment } = created;

      const fraud = PaymentService.fraudReason(payment, recentAuthorizations);
      if (fraud) return PaymentService.outcome(await this.update(tx, payment, { status: 'FAILED', failureReason: fraud }));
      try {
        const result = await this.paymentProvider.authorize({
          idempotencyKey: `authorize:${payment.orderId}`,
          amount: payment.amount,
          currencyCode: payment.currencyCode,
          token: input.paymentToken,
        });
        const card = result.card ? { cardBrand: result.card.brand, cardLast4: result.card.last4 } : {};
        const patch: Partial<PaymentRow> =
          result.outcome === 'authorized'
            ? { status: 'AUTHORIZED', providerReference: result.reference, ...card }
            : { status: 'FAILED', failureReason: result.reason, ...card };
        return PaymentService.outcome(await this.update(tx, payment, patch));
      } catch (err) {
        if (!(err instanceof ProviderUnavailableError)) throw err;
        return PaymentService.outcome(await this.update(tx, payment, { status: 'FAILED', failureReason: 'provider_unavailable' }));
      }
    });
  }

  /** Captures `amount` of the authorization; capturing what is already captured does nothing. */
  async capture(orderId: string, amount: number): Promise<PaymentRow> {
    return this.database.transaction(async (tx) => {
      const payment = await this.lockByOrder(tx, orderId);
      if (!payment) throw new InvalidPaymentState(`order ${orderId} has no payment`);
      if (payment.capturedAmount >= amount) return payment;
      if (payment.status !== 'AUTHORIZED' || amount > payment.amount) {
        throw new InvalidPaymentState(`cannot capture ${amount} of a ${payment.status} payment`);
      }
      await this.paymentProvider.capture({ idempotencyKey: `capture:${orderId}:${amount}`, reference: payment.providerReference!, amount });
      return this.update(tx, payment, { status: 'CAPTURED', capturedAmount: amount });
    });
  }

  /** Releases an uncaptured authorization. A payment that never got authorized needs nothing. */
  async void(orderId: string): Promise<PaymentRow | null> {
    return this.database.transaction(async (tx) => {
      const payment = await this.lockByOrder(tx, orderId);
      if (!payment || payment.status === 'VOIDED' || payment.status === 'FAILED') return payment ?? null;
      if (payment.status !== 'AUTHORIZED') throw new InvalidPaymentState(`cannot void a ${payment.status} payment; refund it`);
      await this.paymentProvider.void({ idempotencyKey: `void:${orderId}`, reference: payment.providerReference! });
      return this.update(tx, payment, { status: 'VOIDED' });
    });
  }

  /**
   * Refunds part of what was captured. Never more than captured minus refunded (checked under the
   * row lock, and by a CHECK constraint as the last word). The same idempotency key refunds once.
   */
  async refund(
    paymentId: string,
    amount: number,
    reason: string | null,
    idempotencyKey: string,
  ): Promise<{ payment: PaymentRow; refund: RefundRow } | { error: UserError }> {
    return this.database.transaction(async (tx) => {
      const [payment] = await tx.select().from(payments).where(eq(payments.id, paymentId)).for('update');
      if (!payment) return { error: userError('NOT_FOUND', 'No such payment.', ['paymentId']) };
      const [previous] = await tx.select().from(refunds).where(eq(refunds.idempotencyKey, idempotencyKey));
      if (previous) return { payment, refund: previous };
      if (!Number.isSafeInteger(amount) || amount <= 0) {
        return { error: userError('INVALID_INPUT', 'The amount must be a positive number of minor units.', ['amount']) };
      }
      const refundable = payment.capturedAmount - payment.refundedAmount;
      if (amount > refundable) {
        return {
          error: userError('REFUND_EXCEEDS_CAPTURED', `At most ${refundable} can be refunded.`, ['amount']),
        };
      }
      try {
        await this.paymentProvider.refund({ idempotencyKey: `refund:${idempotencyKey}`, reference: payment.providerReference!, amount });
      } catch (err) {
        if (!(err instanceof ProviderUnavailableError)) throw err;
        return { error: userError('PAYMENT_DECLINED', 'The payment provider is not answering; nothing was refunded. Try again shortly.') };
      }
      const [refund] = await tx
        .insert(refunds)
        .values({ paymentId, amount, currencyCode: payment.currencyCode, status: 'SUCCEEDED', reason, idempotencyKey })
        .returning();
      const refundedAmount = payment.refundedAmount + amount;
      // The money on its way back, for the customer's notification.
      const refundIssued: NewEvent = {
        topic: 'refund.issued',
        key: payment.orderId,
        payload: { refundId: refund!.id, paymentId, orderId: payment.orderId, customerId: payment.customerId, amount, currencyCode: payment.currencyCode },
      };
      const updated = await this.update(
        tx,
        payment,
        { refundedAmount, status: refundedAmount === payment.capturedAmount ? 'REFUNDED' : 'PARTIALLY_REFUNDED' },
        [refundIssued],
      );
      return { payment: updated, refund: refund! };
    });
  }

  async paymentOfOrder(orderId: string): Promise<PaymentRow | undefined> {
    const [row] = await this.database.select().from(payments).where(eq(payments.orderId, orderId));
    return row;
  }
}

export const paymentService = new PaymentService();
