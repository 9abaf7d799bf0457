/**
 * Every service-to-service operation, by the subgraph that serves it: `POST /internal/<op>` with
 * `input` as JSON, answering `output`. One list, so a caller and its server cannot drift apart.
 */
import type { Scope } from './identity';

/** What other subgraphs need to know of a variant (pricing, ownership, purchase-time copies). */
export interface VariantSummary {
  id: string;
  productId: string;
  sellerId: string;
  sku: string;
  /** The variant's own title, e.g. "Red / XL". */
  title: string;
  productTitle: string;
  /** Minor units. */
  price: number;
  currencyCode: string;
  productStatus: 'DRAFT' | 'ACTIVE' | 'ARCHIVED';
}

export interface ProductSummary {
  id: string;
  sellerId: string;
  title: string;
  status: 'DRAFT' | 'ACTIVE' | 'ARCHIVED';
}

/** Outcome of an authorization; the same for every retry with the same order. */
export type AuthorizationOutcome =
  | { status: 'AUTHORIZED'; paymentId: string }
  | { status: 'DECLINED'; paymentId: string; reason: string }
  /** The provider did not answer (outage, timeout, open circuit): nothing was charged. */
  | { status: 'UNAVAILABLE'; paymentId: string };

/** A postal address as checkout copies it onto an order. */
export interface ShippingAddress {
  fullName: string;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  country: string;
}

/**
 * One page of an owner's data in id order, for rebuilding another subgraph's copy of it. `version`
 * is the owner's outbox position the page is consistent with: the page holds every change whose
 * event is at or below it and none above, so the copy keeps whichever is newer, page or event.
 */
export interface SnapshotPage<T> {
  version: number;
  items: T[];
}

/** Where and how to write to someone (notifications). */
export interface Contact {
  userId: string;
  email: string;
  name: string;
}

export interface InternalApi {
  users: {
    /** Accounts' contacts; unknown ids are left out. */
    contacts: { input: { userIds: string[] }; output: Contact[] };
    /** The contacts of the accounts that run these stores; unknown ids are left out. */
    sellerContacts: { input: { sellerIds: string[] }; output: (Contact & { sellerId: string; storeName: string })[] };
    /** Every operator (ADMIN) account's contact. */
    operatorContacts: { input: Record<string, never>; output: Contact[] };
    /** One of the user's own addresses; null when unknown or someone else's. */
    addressOf: { input: { userId: string; addressId: string }; output: ShippingAddress | null };
    /** The stores' names; unknown ids are left out. A store keeps the name it opened with. */
    storeNames: { input: { sellerIds: string[] }; output: { sellerId: string; storeName: string }[] };
    /** The key a secret belongs to, if active (the gateway authenticates API keys with it). */
    verifyApiKey: {
      input: { secret: string };
      output: { keyId: string; sellerId: string; scopes: Scope[] } | null;
    };
  };
  products: {
    /** Unknown ids are left out of the answer. */
    variantsByIds: { input: { ids: string[] }; output: VariantSummary[] };
    /** Unknown ids are left out of the answer. */
    productsByIds: { input: { ids: string[] }; output: ProductSummary[] };
  };
  orders: {
    /** The orders' numbers (`MK-100123`), for messages about them; unknown ids are left out. */
    orderNumbers: { input: { orderIds: string[] }; output: { orderId: string; number: string }[] };
  };
  payments: {
    /** Authorizes the order's total once: idempotent by orderId, whatever the number of retries. */
    authorizePayment: {
      input: { orderId: string; customerId: string; amount: number; currencyCode: string; paymentToken: string };
      output: AuthorizationOutcome;
    };
    /** The order's payment status, or null when payment was never attempted (checkout recovery asks). */
    paymentStatus: { input: { orderId: string }; output: { status: string } | null };
    /** Captures (part of) the authorized amount, e.g. when the first line ships. Idempotent per amount already captured. */
    capturePayment: { input: { orderId: string; amount: number }; output: { status: string; capturedAmount: number } };
    /** Releases an authorization that was never captured (cancellation, failed checkout). Idempotent. */
    voidPayment: { input: { orderId: string }; output: { status: string } };
    /** Refunds captured money (returns, cancellation after capture); never more than captured minus refunded. */
    refundOrderPayment: {
      input: { orderId: string; amount: number; reason: string; idempotencyKey: string };
      output: { status: string; refundedAmount: number };
    };
  };
  inventory: {
    /** Units available now per variant (0 for variants inventory has never stocked). */
    availability: { input: { variantIds: string[] }; output: { variantId: string; available: number }[] };
    /**
     * Holds stock for an order: every line or none. Allocated across warehouses, the shipping
     * region's first, then those with the most available; stock rows locked in a fixed order.
     * Expires after `ttlSeconds` (default 600) unless committed. Idempotent by orderId.
     */
    reserveStock: {
      input: { orderId: string; lines: { variantId: string; quantity: number }[]; region: string | null; ttlSeconds?: number };
      output: { status: 'RESERVED'; expiresAt: string } | { status: 'INSUFFICIENT_STOCK'; variantIds: string[] };
    };
    /** The order is confirmed: its reservation stops expiring (held until shipped or cancelled). EXPIRED if it was already released. */
    commitReservation: { input: { orderId: string }; output: { status: 'COMMITTED' | 'EXPIRED' } };
    /** Gives the order's reserved units back (failed checkout, cancellation), all lines or the given variants. Idempotent. */
    releaseReservation: { input: { orderId: string; variantIds?: string[] }; output: { status: 'RELEASED' } };
    /** Units shipped: taken off both on hand and reserved. Idempotent per order and variant. */
    shipReservedStock: { input: { orderId: string; variantIds: string[] }; output: { status: 'SHIPPED' } };
    /** Returned units go back on hand, in the warehouses they were shipped from. Idempotent by key. */
    restockReturned: {
      input: { orderId: string; lines: { variantId: string; quantity: number }[]; idempotencyKey: string };
      output: { status: 'RESTOCKED' };
    };
    /** Units available per variant inventory knows, after `afterVariantId`, at most `limit` (≤ 5000). */
    stockSnapshot: {
      input: { afterVariantId: string | null; limit: number };
      output: SnapshotPage<{ variantId: string; productId: string; available: number }>;
    };
  };
  reviews: {
    /** Published review count and rating sum per reviewed product, after `afterProductId`, at most `limit` (≤ 5000). */
    ratingSnapshot: {
      input: { afterProductId: string | null; limit: number };
      output: SnapshotPage<{ productId: string; count: number; sum: number }>;
    };
  };
}
