/** What payments needs from a card payment provider (Stripe-like). Amounts in minor units. */
export interface Card {
  brand: string;
  last4: string;
}

export type AuthorizationResult =
  | { outcome: 'authorized'; reference: string; card: Card }
  | { outcome: 'declined'; reason: string; card: Card | null };

export interface PaymentProvider {
  /** Places a hold on the card. The same idempotency key always gets the same result. */
  authorize(req: { idempotencyKey: string; amount: number; currencyCode: string; token: string }): Promise<AuthorizationResult>;
  capture(req: { idempotencyKey: string; reference: string; amount: number }): Promise<void>;
  void(req: { idempotencyKey: string; reference: string }): Promise<void>;
  refund(req: { idempotencyKey: string; reference: string; amount: number }): Promise<void>;
}

/** The provider did not answer usefully (outage, timeout, open circuit). Nothing can be assumed charged. */
export class ProviderUnavailableError extends Error {
  constructor(reason: string) {
    super(`payment provider unavailable: ${reason}`);
  }
}
