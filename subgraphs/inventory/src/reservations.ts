/**
 * Stock held for orders: the checkout reserves it, confirmation commits it, shipping takes it off
 * the shelves, cancellation releases it, returns put it back, and reservations never committed
 * expire. Contracts in runtime's internal-api.ts. Every operation is one transaction that locks
 * the order's reservation row first, so calls for one order (and the sweeper) apply one at a time.
 */
import { inTransaction, isId, logger, preparedStatement, type InternalApi } from '@marketplace/runtime';
import { and, asc, eq, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import { db, type Db, type Tx } from './db/client';
import { reservationLines, reservations, restocks, type ReservationLineRow } from './db/schema';
import { levelAvailable, lockStock, type LockedLevel } from './locked-stock';
import { availableByVariantJson } from './stock';

type Operation<O extends keyof InternalApi['inventory']> = InternalApi['inventory'][O];
type Input<O extends keyof InternalApi['inventory']> = Operation<O>['input'];
type Output<O extends keyof InternalApi['inventory']> = Operation<O>['output'];

const DEFAULT_TTL_SECONDS = 600;
const MAX_TTL_SECONDS = 24 * 60 * 60;
const MAX_LINES = 500;
const MAX_QUANTITY = 1_000_000;
const MAX_IDEMPOTENCY_KEY_LENGTH = 200;
const SWEEP_BATCH_SIZE = 100;

/** A malformed request from another service: a bug in the caller, never a business outcome. */
export class InvalidStockRequest extends Error {}

/** Units wanted per variant (repeated variants added up), in the order first given. */
function requestedQuantities(lines: unknown): Map<string, number> {
  if (!Array.isArray(lines) || lines.length === 0 || lines.length > MAX_LINES) {
    throw new InvalidStockRequest(`lines must hold 1 to ${MAX_LINES} lines`);
  }
  const wanted = new Map<string, number>();
  for (const { variantId, quantity } of lines as { variantId: unknown; quantity: unknown }[]) {
    if (typeof variantId !== 'string') throw new InvalidStockRequest('variantId must be a string');
    if (!Number.isInteger(quantity) || (quantity as number) <= 0) throw new InvalidStockRequest('quantity must be a positive integer');
    const total = (wanted.get(variantId) ?? 0) + (quantity as number);
    if (total > MAX_QUANTITY) throw new InvalidStockRequest(`at most ${MAX_QUANTITY} units of a variant`);
    wanted.set(variantId, total);
  }
  return wanted;
}

function variantIdList(variantIds: unknown): string[] {
  if (!Array.isArray(variantIds) || variantIds.some((id) => typeof id !== 'string')) {
    throw new InvalidStockRequest('variantIds must be a list of ids');
  }
  return (variantIds as string[]).filter(isId);
}

/**
 * Splits `quantity` over the variant's warehouses: those of the shipping region first, then those
 * with the most available (ties by id, so equal requests allocate alike). Null when they cannot
 * cover it all.
 */
export function allocate(
  levels: readonly LockedLevel[],
  quantity: number,
  region: string | null,
): { warehouseId: string; quantity: number }[] | null {
  const wantedRegion = region?.trim().toLowerCase() || null;
  const inRegion = (level: LockedLevel) => Number(level.region.trim().toLowerCase() === wantedRegion);
  const candidates = levels
    .filter((level) => levelAvailable(level) > 0)
    .sort(
      (a, b) => inRegion(b) - inRegion(a) || levelAvailable(b) - levelAvailable(a) || a.warehouseId.localeCompare(b.warehouseId),
    );
  const picks: { warehouseId: string; quantity: number }[] = [];
  let left = quantity;
  for (const level of candidates) {
    if (left === 0) break;
    const units = Math.min(left, levelAvailable(level));
    picks.push({ warehouseId: level.warehouseId, quantity: units });
    left -= units;
  }
  return left === 0 ? picks : null;
}

/** The order's reservation, locked until the transaction ends; `lapsed` by the database's clock. */
async function lockReservation(tx: Tx, orderId: string) {
  const [row] = await tx
    .select({ status: reservations.status, expiresAt: reservations.expiresAt, lapsed: sql<boolean>`${reservations.expiresAt} <= now()` })
    .from(reservations)
    .where(eq(reservations.orderId, orderId))
    .for('update');
  return row;
}

/** Lines still holding units (neither shipped nor released), of the given variants only when given. */
function heldLines(tx: Tx, orderIds: string[], variantIds?: string[]): Promise<ReservationLineRow[]> {
  return tx
    .select()
    .from(reservationLines)
    .where(
      and(
        inArray(reservationLines.orderId, orderIds),
        isNull(reservationLines.shippedAt),
        isNull(reservationLines.releasedAt),
        variantIds ? inArray(reservationLines.variantId, variantIds) : undefined,
      ),
    );
}

const lineKeys = (lines: readonly ReservationLineRow[]) =>
  sql`(${reservationLines.orderId}, ${reservationLines.variantId}, ${reservationLines.warehouseId}) in (${sql.join(
    lines.map((l) => sql`(${l.orderId}::uuid, ${l.variantId}::uuid, ${l.warehouseId}::uuid)`),
    sql`, `,
  )})`;

/** Gives the held units of these lines (of locked reservations) back and marks the lines released. */
async function releaseLines(tx: Tx, lines: ReservationLineRow[]): Promise<void> {
  if (lines.length === 0) return;
  const stock = await lockStock(tx, lines.map((l) => l.variantId));
  for (const line of lines) stock.adjust(line.variantId, line.warehouseId, { reserved: -line.quantity });
  await stock.save(tx, [tx.update(reservationLines).set({ releasedAt: sql`now()` }).where(lineKeys(lines))]);
}

/** Lapsed ACTIVE reservations (locked by the caller) give their units back and become EXPIRED. */
async function expireReservations(tx: Tx, orderIds: string[]): Promise<void> {
  await releaseLines(tx, await heldLines(tx, orderIds));
  await tx.update(reservations).set({ status: 'EXPIRED', updatedAt: sql`now()` }).where(inArray(reservations.orderId, orderIds));
}

/** A reservation's row, with what is available now of `variantIds`: every checkout's, built once. */
const createReservation = preparedStatement((database: Db) =>
  database
    .insert(reservations)
    .values({ orderId: sql.placeholder('orderId'), expiresAt: sql`now() + make_interval(secs => ${sql.placeholder('ttlSeconds')}::int)` })
    .onConflictDoNothing()
    .returning({ expiresAt: reservations.expiresAt, availableNow: availableByVariantJson })
    .prepare('inventory:createReservation'),
);

/** Thrown inside the reserving transaction so that nothing of it is written. */
class InsufficientStock extends Error {
  constructor(readonly variantIds: string[]) {
    super('insufficient stock');
  }
}

export async function reserveStock(input: Input<'reserveStock'>): Promise<Output<'reserveStock'>> {
  const { orderId, region } = input;
  if (!isId(orderId)) throw new InvalidStockRequest('orderId must be an id');
  const wanted = requestedQuantities(input.lines);
  const ttlSeconds = input.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
    throw new InvalidStockRequest(`ttlSeconds must be a whole number from 1 to ${MAX_TTL_SECONDS}`);
  }

  try {
    return await db.transaction(async (tx): Promise<Output<'reserveStock'>> => {
      // The primary key decides between concurrent calls for one order: the later one waits for
      // the earlier to commit (then answers its outcome) or roll back (then reserves itself).
      // Its RETURNING also looks at what is available now, without locks (see below).
      const [created] = await inTransaction(tx, createReservation(db)).execute({
        orderId,
        ttlSeconds,
        variantIds: [...wanted.keys()].filter(isId),
      });
      if (!created) return storedOutcome(tx, orderId, [...wanted.keys()]);

      // Sold out already? Then say so without queueing for the stock locks: when many buyers want
      // the last units, most of them end here. A look without locks can only miss units being
      // given back at this instant (an answer as of the moment it looked); units are handed out
      // only under the locks below, so this never sells what is not there.
      const soldOut = [...wanted].filter(([variantId, quantity]) => (created.availableNow[variantId] ?? 0) < quantity).map(([variantId]) => variantId);
      if (soldOut.length > 0) throw new InsufficientStock(soldOut);

      const stock = await lockStock(tx, [...wanted.keys()].filter(isId));
      const allocations: { orderId: string; variantId: string; warehouseId: string; quantity: number }[] = [];
      const short: string[] = [];
      for (const [variantId, quantity] of wanted) {
        const picks = allocate(stock.levelsOf(variantId), quantity, region);
        if (picks) allocations.push(...picks.map((pick) => ({ orderId, variantId, ...pick })));
        else short.push(variantId);
      }
      if (short.length > 0) throw new InsufficientStock(short);

      for (const a of allocations) stock.adjust(a.variantId, a.warehouseId, { reserved: a.quantity });
      await stock.save(tx, [tx.insert(reservationLines).values(allocations)]);
      return { status: 'RESERVED', expiresAt: created.expiresAt.toISOString() };
    });
  } catch (err) {
    if (err instanceof InsufficientStock) return { status: 'INSUFFICIENT_STOCK', variantIds: err.variantIds };
    throw err;
  }
}

/** What a repeated reserveStock answers: still held, or not (released, expired) for the requested variants. */
async function storedOutcome(tx: Tx, orderId: string, requested: string[]): Promise<Output<'reserveStock'>> {
  const reservation = (await lockReservation(tx, orderId))!;
  if (reservation.status === 'COMMITTED' || (reservation.status === 'ACTIVE' && !reservation.lapsed)) {
    return { status: 'RESERVED', expiresAt: reservation.expiresAt.toISOString() };
  }
  // Lapsed before the sweeper came by: expire it now rather than answer against what it holds.
  if (reservation.status === 'ACTIVE') await expireReservations(tx, [orderId]);
  return { status: 'INSUFFICIENT_STOCK', variantIds: requested };
}

/**
 * The usual commit in one statement (every checkout's): a live reservation becomes permanent. The
 * row lock it takes orders it after a sweep that got there first, and the condition is checked
 * again after that sweep commits, so an expired reservation is never committed.
 */
const commitLiveReservation = preparedStatement((database: Db) =>
  database
    .update(reservations)
    .set({ status: 'COMMITTED', updatedAt: sql`now()` })
    .where(and(eq(reservations.orderId, sql.placeholder('orderId')), eq(reservations.status, 'ACTIVE'), sql`${reservations.expiresAt} > now()`))
    .returning({ orderId: reservations.orderId })
    .prepare('inventory:commitLiveReservation'),
);

export async function commitReservation({ orderId }: Input<'commitReservation'>): Promise<Output<'commitReservation'>> {
  if (!isId(orderId)) return { status: 'EXPIRED' };
  const [committed] = await commitLiveReservation(db).execute({ orderId });
  if (committed) return { status: 'COMMITTED' };
  return db.transaction(async (tx) => {
    // Locked, so the sweeper cannot expire it between our look and our change.
    const reservation = await lockReservation(tx, orderId);
    if (!reservation) return { status: 'EXPIRED' };
    if (reservation.status === 'COMMITTED') return { status: 'COMMITTED' };
    if (reservation.status === 'ACTIVE' && !reservation.lapsed) {
      await tx.update(reservations).set({ status: 'COMMITTED', updatedAt: sql`now()` }).where(eq(reservations.orderId, orderId));
      return { status: 'COMMITTED' };
    }
    if (reservation.status === 'ACTIVE') await expireReservations(tx, [orderId]);
    return { status: 'EXPIRED' };
  });
}

export async function releaseReservation({ orderId, variantIds }: Input<'releaseReservation'>): Promise<Output<'releaseReservation'>> {
  const only = variantIds === undefined ? undefined : variantIdList(variantIds);
  if (!isId(orderId)) return { status: 'RELEASED' };
  await db.transaction(async (tx) => {
    // Released before anything was reserved (a checkout giving up while its reserve call is still
    // in flight): this record makes that late reserve find the order released, not hold stock.
    const [unreserved] = await tx
      .insert(reservations)
      .values({ orderId, status: 'RELEASED', expiresAt: sql`now()` })
      .onConflictDoNothing()
      .returning({ orderId: reservations.orderId });
    if (unreserved) return;

    const reservation = (await lockReservation(tx, orderId))!;
    const held = await heldLines(tx, [orderId]);
    const releasing = only ? held.filter((line) => only.includes(line.variantId)) : held;
    await releaseLines(tx, releasing);
    const nothingLeftHeld = releasing.length > 0 && releasing.length === held.length;
    if (nothingLeftHeld && (reservation.status === 'ACTIVE' || reservation.status === 'COMMITTED')) {
      await tx.update(reservations).set({ status: 'RELEASED', updatedAt: sql`now()` }).where(eq(reservations.orderId, orderId));
    }
  });
  return { status: 'RELEASED' };
}

export async function shipReservedStock({ orderId, variantIds }: Input<'shipReservedStock'>): Promise<Output<'shipReservedStock'>> {
  const shipping = variantIdList(variantIds);
  if (!isId(orderId) || shipping.length === 0) return { status: 'SHIPPED' };
  await db.transaction(async (tx) => {
    if (!(await lockReservation(tx, orderId))) return;
    const lines = await heldLines(tx, [orderId], shipping);
    if (lines.length === 0) return;
    const stock = await lockStock(tx, lines.map((l) => l.variantId));
    for (const line of lines) {
      // A recount may have left fewer units on hand than were reserved; on hand never goes below zero.
      const onHand = stock.level(line.variantId, line.warehouseId)!.onHand;
      stock.adjust(line.variantId, line.warehouseId, { onHand: -Math.min(line.quantity, onHand), reserved: -line.quantity });
    }
    await stock.save(tx, [tx.update(reservationLines).set({ shippedAt: sql`now()` }).where(lineKeys(lines))]);
  });
  return { status: 'SHIPPED' };
}

export async function restockReturned({ orderId, lines, idempotencyKey }: Input<'restockReturned'>): Promise<Output<'restockReturned'>> {
  if (typeof idempotencyKey !== 'string' || idempotencyKey.length === 0 || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new InvalidStockRequest(`idempotencyKey must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
  }
  const returned = requestedQuantities(lines);
  if (!isId(orderId)) return { status: 'RESTOCKED' };
  await db.transaction(async (tx) => {
    // The key's primary key decides between retries: a later one waits, then finds it applied.
    const [fresh] = await tx
      .insert(restocks)
      .values({ idempotencyKey, orderId })
      .onConflictDoNothing()
      .returning({ idempotencyKey: restocks.idempotencyKey });
    if (!fresh || !(await lockReservation(tx, orderId))) return;

    const shipped = await tx
      .select()
      .from(reservationLines)
      .where(
        and(
          eq(reservationLines.orderId, orderId),
          isNotNull(reservationLines.shippedAt),
          inArray(reservationLines.variantId, [...returned.keys()].filter(isId)),
        ),
      )
      .orderBy(asc(reservationLines.variantId), asc(reservationLines.warehouseId));
    const stock = await lockStock(tx, shipped.map((l) => l.variantId));
    const restocked: ReservationLineRow[] = [];
    for (const [variantId, quantity] of returned) {
      let left = quantity;
      for (const line of shipped.filter((l) => l.variantId === variantId)) {
        // Never more back into a warehouse than shipped from it and not yet returned.
        const units = Math.min(left, line.quantity - line.restocked);
        if (units <= 0) continue;
        stock.adjust(variantId, line.warehouseId, { onHand: units });
        restocked.push({ ...line, restocked: line.restocked + units });
        left -= units;
      }
      if (left > 0) logger.warn({ orderId, variantId, units: left }, 'restock of units the order never shipped ignored');
    }
    if (restocked.length === 0) return;
    const rows = restocked.map((l) => sql`(${l.orderId}::uuid, ${l.variantId}::uuid, ${l.warehouseId}::uuid, ${l.restocked}::int)`);
    await stock.save(tx, [
      sql`update ${reservationLines} as l set restocked = v.restocked
        from (values ${sql.join(rows, sql`, `)}) as v(order_id, variant_id, warehouse_id, restocked)
        where l.order_id = v.order_id and l.variant_id = v.variant_id and l.warehouse_id = v.warehouse_id`,
    ]);
  });
  return { status: 'RESTOCKED' };
}

/**
 * Expires ACTIVE reservations past their time, a batch per transaction, and answers how many.
 * Rows another instance's sweep (or a commit) has locked are skipped, so any number of inventory
 * instances can sweep at once without waiting on each other or expiring anything twice.
 */
export async function sweepExpiredReservations(batchSize = SWEEP_BATCH_SIZE): Promise<number> {
  let expired = 0;
  for (;;) {
    const count = await db.transaction(async (tx) => {
      const due = await tx
        .select({ orderId: reservations.orderId })
        .from(reservations)
        .where(and(eq(reservations.status, 'ACTIVE'), lte(reservations.expiresAt, sql`now()`)))
        .orderBy(asc(reservations.expiresAt))
        .limit(batchSize)
        .for('update', { skipLocked: true });
      if (due.length > 0) await expireReservations(tx, due.map((r) => r.orderId));
      return due.length;
    });
    expired += count;
    if (count < batchSize) return expired;
  }
}

/** Runs the sweep every `intervalMs`, one run at a time, until stopped. */
export function startReservationSweeper(intervalMs: number): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const sweep = () => {
    running ??= sweepExpiredReservations()
      .then((expired) => {
        if (expired > 0) logger.info({ expired }, 'expired stock reservations');
      })
      .catch((err) => logger.warn({ err }, 'reservation sweep failed; retrying next interval'))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(sweep, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
