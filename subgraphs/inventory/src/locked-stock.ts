/**
 * Every change of stock goes through here: the variants' stock is locked for the rest of the
 * transaction, changed in memory, then written back together with the `stock.changed` and
 * `stock.low` events describing it, so an event exists exactly when its change committed.
 *
 * Lock order, the same for every writer so concurrent ones never deadlock: a reservation row (when
 * the change belongs to an order), then inventory items by variant id, then stock levels by
 * (variant id, warehouse id). The item lock makes the set of a variant's warehouses stable, so the
 * `available` before and after a change are exact.
 */
import { inTransaction, isAnyOf, preparedStatement, recordEvents, type NewEvent } from '@marketplace/runtime';
import { asc, sql, type SQLWrapper } from 'drizzle-orm';
import { db, type Db, type Tx } from './db/client';
import { inventoryItems, outbox, stockLevels, warehouses, type InventoryItemRow } from './db/schema';

export interface LockedLevel {
  variantId: string;
  warehouseId: string;
  /** The warehouse's region, for allocation. */
  region: string;
  onHand: number;
  reserved: number;
}

/** Units that can be bought from one warehouse: reserved may exceed on hand after a recount. */
export const levelAvailable = (level: Pick<LockedLevel, 'onHand' | 'reserved'>) => Math.max(level.onHand - level.reserved, 0);

const levelKey = (variantId: string, warehouseId: string) => `${variantId}:${warehouseId}`;

export class LockedStock {
  private readonly levels = new Map<string, LockedLevel>();
  private readonly availableBefore = new Map<string, number>();
  private readonly changed = new Set<LockedLevel>();

  constructor(
    private readonly items: Map<string, InventoryItemRow>,
    levels: LockedLevel[],
  ) {
    for (const level of levels) this.levels.set(levelKey(level.variantId, level.warehouseId), level);
    for (const variantId of items.keys()) this.availableBefore.set(variantId, this.available(variantId));
  }

  /** The variant's levels by warehouse id; none for a variant inventory does not know. */
  levelsOf(variantId: string): LockedLevel[] {
    return [...this.levels.values()].filter((l) => l.variantId === variantId);
  }

  level(variantId: string, warehouseId: string): LockedLevel | undefined {
    return this.levels.get(levelKey(variantId, warehouseId));
  }

  available(variantId: string): number {
    return this.levelsOf(variantId).reduce((sum, level) => sum + levelAvailable(level), 0);
  }

  /** Adds the deltas to a locked level. */
  adjust(variantId: string, warehouseId: string, delta: { onHand?: number; reserved?: number }): void {
    const level = this.level(variantId, warehouseId);
    if (!level) throw new Error(`stock of ${variantId} in ${warehouseId} is not locked`);
    level.onHand += delta.onHand ?? 0;
    level.reserved += delta.reserved ?? 0;
    this.changed.add(level);
  }

  /**
   * Writes the changed levels and records the events of every `available` that moved, in one
   * statement with `alongWith`, the other writes of the change (reservation lines).
   */
  async save(tx: Tx, alongWith: SQLWrapper[] = []): Promise<void> {
    if (this.changed.size === 0) return recordEvents(tx, outbox, [], alongWith);
    const rows = [...this.changed].map((l) => sql`(${l.variantId}::uuid, ${l.warehouseId}::uuid, ${l.onHand}::int, ${l.reserved}::int)`);
    const levelsUpdate = sql`
      update ${stockLevels} as s
      set on_hand = v.on_hand, reserved = v.reserved, updated_at = now()
      from (values ${sql.join(rows, sql`, `)}) as v(variant_id, warehouse_id, on_hand, reserved)
      where s.variant_id = v.variant_id and s.warehouse_id = v.warehouse_id`;

    const events: NewEvent[] = [];
    for (const variantId of new Set([...this.changed].map((l) => l.variantId))) {
      const item = this.items.get(variantId)!;
      const before = this.availableBefore.get(variantId)!;
      const available = this.available(variantId);
      if (available === before) continue;
      const payload = {
        variantId,
        productId: item.productId,
        sellerId: item.sellerId,
        available,
        lowStockThreshold: item.lowStockThreshold,
      };
      events.push({ topic: 'stock.changed', key: variantId, payload });
      if (before > item.lowStockThreshold && available <= item.lowStockThreshold) {
        events.push({ topic: 'stock.low', key: variantId, payload });
      }
      this.availableBefore.set(variantId, available);
    }
    this.changed.clear();
    await recordEvents(tx, outbox, events, [levelsUpdate, ...alongWith]);
  }
}

/**
 * Locks the stock of these variants (every warehouse) until the transaction ends. Variants
 * inventory does not know (or malformed ids, which must be filtered out before) have no levels.
 */
export async function lockStock(tx: Tx, variantIds: readonly string[]): Promise<LockedStock> {
  const ids = [...new Set(variantIds)];
  if (ids.length === 0) return new LockedStock(new Map(), []);
  const items = await inTransaction(tx, lockItems(db)).execute({ variantIds: ids });
  const levels = await inTransaction(tx, lockLevels(db)).execute({ variantIds: ids });
  return new LockedStock(new Map(items.map((item) => [item.variantId, item])), levels);
}

// Every change of stock locks with these two: built once.
const lockItems = preparedStatement((database: Db) =>
  database
    .select()
    .from(inventoryItems)
    .where(isAnyOf(inventoryItems.variantId, 'variantIds'))
    .orderBy(asc(inventoryItems.variantId))
    .for('no key update')
    .prepare('inventory:lockItems'),
);
const lockLevels = preparedStatement((database: Db) =>
  database
    .select({
      variantId: stockLevels.variantId,
      warehouseId: stockLevels.warehouseId,
      // A subquery, not a join, so FOR UPDATE locks only the levels (drizzle's `FOR UPDATE OF`
      // schema-qualifies the table, which Postgres refuses).
      region: sql<string>`(select ${warehouses.region} from ${warehouses} where ${warehouses.id} = ${stockLevels.warehouseId})`,
      onHand: stockLevels.onHand,
      reserved: stockLevels.reserved,
    })
    .from(stockLevels)
    .where(isAnyOf(stockLevels.variantId, 'variantIds'))
    .orderBy(asc(stockLevels.variantId), asc(stockLevels.warehouseId))
    .for('update')
    .prepare('inventory:lockLevels'),
);
