/**
 * Checkout as a saga orchestrated by orders, one durable step at a time (the `checkouts` row):
 *
 *   STARTED  -- price the cart from the catalog, copy the address, reserve stock ------> RESERVED
 *   RESERVED -- authorize payment, commit the reservation, confirm the order --------> CONFIRMED
 *   any step that fails undoes the earlier ones ----------------------------------------> FAILED
 *
 * The order is written once, when the saga settles (`placeOrder`): CONFIRMED, or PAYMENT_FAILED /
 * CANCELLED when payment or the reservation failed after stock was held.
 *
 * Every call to another service is idempotent, keyed by the order id chosen up front, so a step
 * can run again after a crash without doing anything twice; `recovery.ts` does exactly that for
 * checkouts whose process died.
 */
import {
  badUserInput,
  callInternal,
  checkoutDuration,
  checkouts as checkoutRuns,
  checkoutStepDuration,
  eventsInStatement,
  inSpan,
  InternalCallError,
  isId,
  logger,
  type NewEvent,
  preparedStatement,
  secondsSince,
  setting,
  type ShippingAddress,
  uniqueViolation,
} from '@marketplace/runtime';
import { and, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import { createHash, randomUUID } from 'node:crypto';
import type { CheckoutInput, ShippingSpeed } from '../__generated__/resolvers-types';
import { db, type Db } from '../db/client';
import { cartLines, carts, checkouts, orderEvents, orderLines, orders, outbox, type CheckoutRow, type OrderLineRow, type OrderRow } from '../db/schema';
import { InvalidTransition, ORDER_TRANSITIONS, orderUpdated } from '../lifecycle/state-machine';
import { SHIPPING_OPTIONS } from '../shipping';

export type CheckoutFailureCode = 'EMPTY_CART' | 'INSUFFICIENT_STOCK' | 'PAYMENT_DECLINED' | 'INVALID_ADDRESS' | 'IDEMPOTENCY_KEY_REUSED';
export type CheckoutOutcome =
  | { orderId: string; confirmed?: ConfirmedOrder }
  | { failure: { code: CheckoutFailureCode; message: string } }
  /** Still settling after the wait: its order is written once the saga settles. */
  | { inProgress: true };
/** The order and its lines as the confirming transaction left them, so the answer need not read them again. */
export interface ConfirmedOrder {
  order: OrderRow;
  lines: OrderLineRow[];
}

/** What the saga decided when it started; recovery reuses it rather than re-pricing. */
interface Plan {
  lines: { cartLineId: string; variantId: string; productId: string; sellerId: string; title: string; sku: string; unitPrice: number; quantity: number }[];
  address: ShippingAddress;
  currencyCode: string;
  subtotal: number;
  shippingSpeed: ShippingSpeed;
  shippingCost: number;
  total: number;
  estimatedDelivery: string;
}

/** What the request that claimed the checkout brings to its first run (recovery has none). */
interface SagaRequest {
  shippingAddressId: string;
  shippingSpeed: ShippingSpeed;
  /** The customer's cart lines when the checkout was claimed. */
  cart: { id: string; variantId: string; quantity: number }[];
}

/**
 * Claims a checkout's idempotency key (the primary key decides between concurrent requests) and,
 * when it wins, reads the customer's cart lines it is about to buy: a subquery of the insert, so
 * one round trip does both. Every checkout's first statement: built once.
 */
const claimCheckout = preparedStatement((database: Db) =>
  database
    .insert(checkouts)
    .values({
      customerId: sql.placeholder('customerId'),
      idempotencyKey: sql.placeholder('idempotencyKey'),
      requestHash: sql.placeholder('requestHash'),
      orderId: sql.placeholder('orderId'),
      state: 'STARTED',
      paymentToken: sql.placeholder('paymentToken'),
    })
    .onConflictDoNothing()
    .returning({
      ...getTableColumns(checkouts),
      cart: sql<SagaRequest['cart']>`(
        select coalesce(json_agg(json_build_object('id', l.id, 'variantId', l.variant_id, 'quantity', l.quantity) order by l.added_at, l.id), '[]')
        from ${cartLines} as l join ${carts} as c on c.id = l.cart_id
        where c.customer_id = ${sql.placeholder('customerId')})`,
    })
    .prepare('orders:claimCheckout'),
);

/** How long a resent checkout waits for the run that holds its key before answering CHECKOUT_IN_PROGRESS. */
const SETTLE_TIMEOUT_MS = setting('CHECKOUT_SETTLE_TIMEOUT_MS');

function requestHash(input: CheckoutInput): string {
  return createHash('sha256')
    .update(JSON.stringify([input.shippingAddressId, input.paymentToken, input.shippingSpeed ?? 'STANDARD']))
    .digest('hex');
}

/** The checkout mutation, counted by outcome and timed (`checkouts_total`, `checkout_duration_seconds`). */
export async function checkout(customerId: string, input: CheckoutInput): Promise<CheckoutOutcome> {
  const start = performance.now();
  let outcome = 'error';
  try {
    const result = await claimAndRun(customerId, input);
    outcome = 'orderId' in result ? 'confirmed' : 'failure' in result ? result.failure.code : 'in_progress';
    return result;
  } finally {
    checkoutRuns.inc({ outcome });
    checkoutDuration.observe({ outcome }, secondsSince(start));
  }
}

/** A saga step, timed and traced as one (`checkout_saga_step_duration_seconds{step}`). */
async function sagaStep<T>(step: 'reserve' | 'pay_and_confirm', work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await inSpan(`checkout ${step}`, {}, work);
  } finally {
    checkoutStepDuration.observe({ step }, secondsSince(start));
  }
}

/** Claims the idempotency key, then runs the saga (or waits for the run that holds it). */
async function claimAndRun(customerId: string, input: CheckoutInput): Promise<CheckoutOutcome> {
  const key = input.idempotencyKey.trim();
  if (key.length < 1 || key.length > 255) throw badUserInput('idempotencyKey must be 1 to 255 characters.');
  if (input.paymentToken.length < 1 || input.paymentToken.length > 255) throw badUserInput('paymentToken must be 1 to 255 characters.');
  const hash = requestHash(input);
  const [claimed] = await claimCheckout(db).execute({
    customerId,
    idempotencyKey: key,
    requestHash: hash,
    orderId: randomUUID(),
    paymentToken: input.paymentToken,
  });
  if (claimed) {
    const { cart, ...row } = claimed;
    return runSaga(row, { shippingAddressId: input.shippingAddressId, shippingSpeed: input.shippingSpeed ?? 'STANDARD', cart }).catch(
      (err: unknown) => {
        // A service the saga needs is down or past its deadline: whether its last step took effect
        // is unknown, so the checkout stays where it stands and recovery finishes or compensates it.
        if (!(err instanceof InternalCallError)) throw err;
        logger.warn({ err, orderId: row.orderId }, 'checkout interrupted by an unavailable service; recovery takes it over');
        return { inProgress: true } as const;
      },
    );
  }

  const [existing] = await db.select().from(checkouts).where(and(eq(checkouts.customerId, customerId), eq(checkouts.idempotencyKey, key)));
  if (existing!.requestHash !== hash) {
    return { failure: { code: 'IDEMPOTENCY_KEY_REUSED', message: 'This idempotency key was used for a different checkout.' } };
  }
  return settle(existing!);
}

/** Waits for the run that holds the key to finish, then answers what it answered. */
async function settle(row: CheckoutRow): Promise<CheckoutOutcome> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  let current = row;
  while (current.state !== 'CONFIRMED' && current.state !== 'FAILED' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    [current] = (await db.select().from(checkouts).where(eq(checkouts.orderId, row.orderId))) as [CheckoutRow];
  }
  return outcomeOf(current);
}

function outcomeOf(row: CheckoutRow, confirmed?: ConfirmedOrder): CheckoutOutcome {
  if (row.state === 'FAILED') return { failure: { code: row.failureCode as CheckoutFailureCode, message: row.failureMessage ?? 'Checkout failed.' } };
  if (row.state !== 'CONFIRMED') return { inProgress: true };
  return { orderId: row.orderId, confirmed };
}

/** Runs the saga from wherever it stands. */
export async function runSaga(row: CheckoutRow, request?: SagaRequest): Promise<CheckoutOutcome> {
  let current = row;
  let confirmed: ConfirmedOrder | undefined;
  if (current.state === 'STARTED') current = await sagaStep('reserve', () => reserve(current, request));
  // Failpoint for the crash-recovery test: die the hard way between reservation and payment.
  if (setting('CHECKOUT_FAILPOINT') === 'after-reserve' && current.state === 'RESERVED') process.kill(process.pid, 'SIGKILL');
  if (current.state === 'RESERVED') ({ checkout: current, confirmed } = await sagaStep('pay_and_confirm', () => payAndConfirm(current)));
  return outcomeOf(current, confirmed);
}

/**
 * Moves the checkout on from the state `row` was read in. Conditional on that state, so a run that
 * another (recovery, a slow first run) has overtaken changes nothing: it gets undefined.
 */
async function updateCheckout(row: CheckoutRow, patch: Partial<CheckoutRow>): Promise<CheckoutRow | undefined> {
  const changed: CheckoutRow = { ...row, ...patch, updatedAt: new Date() };
  const [updated] = await db
    .update(checkouts)
    .set({ ...patch, updatedAt: changed.updatedAt })
    .where(and(eq(checkouts.orderId, row.orderId), eq(checkouts.state, row.state)))
    .returning({ orderId: checkouts.orderId });
  return updated && changed;
}

/** The checkout as it stands now, for a run that was overtaken. */
async function currentCheckout(row: CheckoutRow): Promise<CheckoutRow> {
  const [current] = await db.select().from(checkouts).where(eq(checkouts.orderId, row.orderId));
  return current!;
}

const failure = (code: CheckoutFailureCode, message: string): Partial<CheckoutRow> => ({ state: 'FAILED', failureCode: code, failureMessage: message, paymentToken: null });

/** Ends a checkout before any order was placed for it. */
async function fail(row: CheckoutRow, code: CheckoutFailureCode, message: string): Promise<CheckoutRow> {
  return (await updateCheckout(row, failure(code, message))) ?? currentCheckout(row);
}

/** Prices the cart from the catalog (never from the client) and copies the address. */
async function makePlan(row: CheckoutRow, request: SagaRequest): Promise<Plan | { code: CheckoutFailureCode; message: string }> {
  const lines = request.cart;
  const [address, catalog] = await Promise.all([
    isId(request.shippingAddressId) ? callInternal('users', 'addressOf', { userId: row.customerId, addressId: request.shippingAddressId }) : null,
    lines.length > 0 ? callInternal('products', 'variantsByIds', { ids: lines.map((l) => l.variantId) }) : [],
  ]);
  if (!address) return { code: 'INVALID_ADDRESS', message: 'Choose one of your saved addresses.' };
  if (lines.length === 0) return { code: 'EMPTY_CART', message: 'Your cart is empty.' };
  const variants = new Map(catalog.map((v) => [v.id, v]));
  const gone = lines.filter((l) => variants.get(l.variantId)?.productStatus !== 'ACTIVE');
  if (gone.length) return { code: 'INSUFFICIENT_STOCK', message: 'Some items in your cart are no longer for sale.' };
  const currencies = new Set(lines.map((l) => variants.get(l.variantId)!.currencyCode));
  if (currencies.size > 1) return { code: 'INSUFFICIENT_STOCK', message: 'Items priced in different currencies must be bought separately.' };
  const option = SHIPPING_OPTIONS.find((o) => o.speed === request.shippingSpeed)!;
  const planned = lines.map((l) => {
    const v = variants.get(l.variantId)!;
    return { cartLineId: l.id, variantId: v.id, productId: v.productId, sellerId: v.sellerId, title: `${v.productTitle} — ${v.title}`, sku: v.sku, unitPrice: v.price, quantity: l.quantity };
  });
  const subtotal = planned.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
  const deliveryMs = option.days === 0 ? 8 * 3600_000 : option.days * 24 * 3600_000;
  return {
    lines: planned,
    address,
    currencyCode: [...currencies][0]!,
    subtotal,
    shippingSpeed: option.speed,
    shippingCost: option.cost,
    total: subtotal + option.cost,
    estimatedDelivery: new Date(Date.now() + deliveryMs).toISOString(),
  };
}

/**
 * STARTED -> RESERVED: plan and hold the stock. The plan is stored with the RESERVED state (one
 * statement): recovery never resumes a STARTED checkout (it releases whatever the reserve call may
 * have held and fails it), so it has no use for a plan before then. The order itself is written
 * once its fate is known (`placeOrder`), from this plan.
 */
async function reserve(row: CheckoutRow, request?: SagaRequest): Promise<CheckoutRow> {
  if (!request) return fail(row, 'INSUFFICIENT_STOCK', 'The checkout was interrupted; please try again.');
  const plan = await makePlan(row, request);
  if ('code' in plan) return fail(row, plan.code, plan.message);
  const reservation = await callInternal('inventory', 'reserveStock', {
    orderId: row.orderId,
    lines: plan.lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
    region: plan.address.region,
  });
  if (reservation.status === 'INSUFFICIENT_STOCK') return fail(row, 'INSUFFICIENT_STOCK', 'Not enough units are available.');
  return (await updateCheckout(row, { state: 'RESERVED', plan: plan as unknown as Record<string, unknown> })) ?? currentCheckout(row);
}

/** RESERVED -> CONFIRMED: authorize, make the reservation permanent, confirm. Undo on failure. */
async function payAndConfirm(row: CheckoutRow): Promise<{ checkout: CheckoutRow; confirmed?: ConfirmedOrder }> {
  const plan = row.plan as unknown as Plan;
  const payment = await callInternal('payments', 'authorizePayment', {
    orderId: row.orderId,
    customerId: row.customerId,
    amount: plan.total,
    currencyCode: plan.currencyCode,
    paymentToken: row.paymentToken ?? '',
  });
  if (payment.status !== 'AUTHORIZED') {
    await callInternal('inventory', 'releaseReservation', { orderId: row.orderId });
    const message = payment.status === 'DECLINED' ? 'The card was declined.' : 'The payment could not be processed; nothing was charged.';
    return placeOrder(row, { status: 'PAYMENT_FAILED', code: 'PAYMENT_DECLINED', message });
  }
  const commit = await callInternal('inventory', 'commitReservation', { orderId: row.orderId });
  if (commit.status === 'EXPIRED') {
    // Payment took longer than the reservation lived and the units went back on sale.
    await callInternal('payments', 'voidPayment', { orderId: row.orderId });
    return placeOrder(row, { status: 'CANCELLED', code: 'INSUFFICIENT_STOCK', message: 'The items were released before payment completed.' });
  }
  return placeOrder(row, { status: 'CONFIRMED' });
}

type Settlement = { status: 'CONFIRMED' } | { status: 'PAYMENT_FAILED' | 'CANCELLED'; code: CheckoutFailureCode; message: string };

/**
 * Writes the order of a RESERVED checkout as its saga settled it and ends the checkout, in one
 * statement: the order (returned, for its number), its lines, its events, the outbox, the
 * checkout row and, when confirmed, the cart lines bought (anything added meanwhile stays). The
 * order goes through PENDING_PAYMENT to its status at once (both are in `events`), as the
 * lifecycle table allows: nobody knew its id in between. The order's primary key decides between
 * two runs settling the same checkout (a slow one and recovery): the later one's statement fails
 * whole and it answers what the first wrote.
 */
async function placeOrder(row: CheckoutRow, settlement: Settlement): Promise<{ checkout: CheckoutRow; confirmed?: ConfirmedOrder }> {
  const plan = row.plan as unknown as Plan;
  const { status } = settlement;
  if (!ORDER_TRANSITIONS.PENDING_PAYMENT[status]) throw new InvalidTransition('PENDING_PAYMENT', status);
  const confirmed = settlement.status === 'CONFIRMED';
  const ended: Partial<CheckoutRow> =
    settlement.status === 'CONFIRMED' ? { state: 'CONFIRMED', paymentToken: null } : failure(settlement.code, settlement.message);
  const lines: OrderLineRow[] = plan.lines.map((l, position) => ({
    id: randomUUID(),
    orderId: row.orderId,
    variantId: l.variantId,
    productId: l.productId,
    sellerId: l.sellerId,
    title: l.title.slice(0, 320),
    sku: l.sku,
    unitPrice: l.unitPrice,
    quantity: l.quantity,
    status: confirmed ? 'CONFIRMED' : 'CANCELLED',
    shipmentId: null,
    position,
  }));
  const events = [orderUpdated({ id: row.orderId, customerId: row.customerId, status }), ...(confirmed ? [purchaseOf(row, plan)] : [])];
  const { recorded, notify } = eventsInStatement(db, outbox, events);
  const writes = [
    db.$with('placed_lines').as(db.insert(orderLines).values(lines)),
    db.$with('placed_events').as(
      db.insert(orderEvents).values([
        { orderId: row.orderId, status: 'PENDING_PAYMENT' },
        { orderId: row.orderId, status, note: confirmed ? null : settlement.message },
      ]),
    ),
    db.$with('ended').as(db.update(checkouts).set({ ...ended, updatedAt: new Date() }).where(eq(checkouts.orderId, row.orderId))),
    recorded,
    ...(confirmed ? [db.$with('bought').as(db.delete(cartLines).where(inArray(cartLines.id, plan.lines.map((l) => l.cartLineId))))] : []),
  ];
  try {
    const [{ notified: _notified, ...order }] = await db
      .with(...writes)
      .insert(orders)
      .values({
        id: row.orderId,
        customerId: row.customerId,
        status,
        shippingSpeed: plan.shippingSpeed,
        shipFullName: plan.address.fullName,
        shipLine1: plan.address.line1,
        shipLine2: plan.address.line2,
        shipCity: plan.address.city,
        shipRegion: plan.address.region,
        shipPostalCode: plan.address.postalCode,
        shipCountry: plan.address.country,
        subtotal: plan.subtotal,
        shippingCost: plan.shippingCost,
        total: plan.total,
        currencyCode: plan.currencyCode,
        estimatedDelivery: new Date(plan.estimatedDelivery),
      })
      .returning({ ...getTableColumns(orders), notified: notify });
    return { checkout: { ...row, ...ended }, confirmed: confirmed ? { order, lines } : undefined };
  } catch (err) {
    if (uniqueViolation(err) !== 'orders_pkey') throw err;
    return { checkout: await currentCheckout(row) };
  }
}

/**
 * The purchase, for those who follow it: verified reviews and co-purchases (products, sellers,
 * quantities), and the confirmation and the stores' "to ship" notifications (titles, prices,
 * totals, the delivery estimate and the address's country, which sets the customer's locale).
 */
function purchaseOf(row: CheckoutRow, plan: Plan): NewEvent {
  return {
    topic: 'order.confirmed',
    key: row.orderId,
    payload: {
      orderId: row.orderId,
      customerId: row.customerId,
      lines: plan.lines.map((l) => ({ productId: l.productId, sellerId: l.sellerId, quantity: l.quantity, title: l.title, unitPrice: l.unitPrice })),
      currencyCode: plan.currencyCode,
      subtotal: plan.subtotal,
      shippingCost: plan.shippingCost,
      total: plan.total,
      estimatedDelivery: plan.estimatedDelivery,
      shipCountry: plan.address.country,
    },
  };
}

/** Gives up on a checkout that keeps failing: releases what it held, voids what it authorized. */
export async function abandonCheckout(row: CheckoutRow): Promise<void> {
  await callInternal('inventory', 'releaseReservation', { orderId: row.orderId });
  await callInternal('payments', 'voidPayment', { orderId: row.orderId }).catch((err) => logger.warn({ err, orderId: row.orderId }, 'void failed'));
  const message = 'The checkout could not be completed; nothing was charged.';
  // Only a RESERVED checkout has a plan to write its order from; a STARTED one placed none.
  if (row.state === 'RESERVED') await placeOrder(row, { status: 'PAYMENT_FAILED', code: 'PAYMENT_DECLINED', message });
  else await fail(row, 'PAYMENT_DECLINED', message);
}
