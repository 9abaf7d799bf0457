/**
 * The idempotency key of a checkout, one per attempt. An attempt is one input (address, card,
 * speed) sent until the graph gives a definitive answer: a double click or a retry after a lost
 * answer (network failure, CHECKOUT_IN_PROGRESS) sends the same key, so the order is placed once;
 * a changed input, or a new try after a definitive answer (an order, a declined card), is a new
 * attempt with a new key (the same key with another input would be IDEMPOTENCY_KEY_REUSED).
 */
export interface CheckoutChoice {
  shippingAddressId: string;
  paymentToken: string;
  shippingSpeed: string;
}

export class CheckoutAttempts {
  private attempt: { key: string; input: string } | null = null;
  constructor(private readonly newKey: () => string = () => crypto.randomUUID()) {}

  /** The key to send with `choice`. */
  keyFor(choice: CheckoutChoice): string {
    const input = JSON.stringify([choice.shippingAddressId, choice.paymentToken, choice.shippingSpeed]);
    if (!this.attempt || this.attempt.input !== input) this.attempt = { key: this.newKey(), input };
    return this.attempt.key;
  }

  /** The graph answered for good (an order, or userErrors other than CHECKOUT_IN_PROGRESS): the next try is a new attempt. */
  settled(): void {
    this.attempt = null;
  }
}

/** Whether an answer leaves the attempt open (send it again with the same key). */
export function isStillSettling(userErrorCodes: readonly string[]): boolean {
  return userErrorCodes.includes('CHECKOUT_IN_PROGRESS');
}
