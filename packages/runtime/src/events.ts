/**
 * Domain events, published with the transactional outbox pattern:
 *  1. a change and the events describing it are written in ONE transaction (`recordEvents`) into the
 *     subgraph's own `outbox` table, so an event exists exactly when its change committed;
 *  2. a relay in each subgraph process (`startOutboxRelay`) moves outbox rows, in id order, to Redis
 *     Streams (`events:<topic>`), then deletes them. One instance per subgraph relays at a time
 *     (a Postgres advisory lock), the others stand by, so order is kept per entity;
 *  3. consumers read the streams: live tails for subscriptions (`tailEvents`) and durable consumer
 *     groups for projections (`consumeEvents`). Delivery is at least once: consumers dedupe by `id`.
 *
 * An event recorded inside a traced request carries that trace's W3C `traceparent` to whoever
 * handles it later, whose span links to it (the cause). It rides in the outbox row's payload under
 * TRACE_KEY, which the relay moves to a field of its own on the stream: the outbox is written only
 * by `recordEvents`/`eventsInStatement` and read only by the relay, so no consumer ever sees the
 * key, no outbox table needs a new column (nor each subgraph a migration), and a row without it
 * (written untraced, or before this) simply has no link.
 */
import { sql as drizzleSql, type SQLWrapper } from 'drizzle-orm';
import { bigserial, getTableConfig, jsonb, text, timestamp, type PgSchema } from 'drizzle-orm/pg-core';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { serialDrain } from './serial-drain';
import { setting } from './settings';
import type { Redis } from 'ioredis';
import { commandRedis, createRedis } from './redis';
import { logger } from './logger';
import { SpanKind } from '@opentelemetry/api';
import { measureConsumerLagAtScrape, measureOutboxAtScrape } from './telemetry/metrics';
import { currentTraceparent, inSpan, linkTo } from './telemetry/tracing';

/** The outbox table, declared in each subgraph's own Postgres schema. */
export function outboxTable(schema: PgSchema) {
  return schema.table('outbox', {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    topic: text('topic').notNull(),
    key: text('key').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
  });
}
export type OutboxTable = ReturnType<typeof outboxTable>;

export interface NewEvent {
  /** E.g. `order.updated`, `stock.changed`. */
  topic: string;
  /** The entity the event is about (an order id, a variant id). */
  key: string;
  payload: Record<string, unknown>;
}

export interface DomainEvent extends NewEvent {
  /** Unique and stable across redeliveries: `<subgraph>:<outbox id>`. */
  id: string;
  source: string;
  occurredAt: string;
  /** Position in the Redis stream. */
  streamId: string;
  /** The trace of the change that caused the event (W3C `traceparent`), when it was traced. */
  traceparent?: string;
}

/** The outbox payload's key for the cause's trace context (see the top of this file). */
const TRACE_KEY = '$traceparent';

/** The events as outbox rows: with the active trace's context, when there is one. */
function withTraceContext(events: NewEvent[]): NewEvent[] {
  const traceparent = currentTraceparent();
  return traceparent ? events.map((event) => ({ ...event, payload: { ...event.payload, [TRACE_KEY]: traceparent } })) : events;
}

export const streamKey = (topic: string) => `events:${topic}`;
const notifyChannel = (schemaName: string) => `outbox_${schemaName}`;
/** Streams keep roughly this many recent events; consumers that fall further behind rebuild. */
const STREAM_MAX_LENGTH = 100_000;

type Writer = Pick<PostgresJsDatabase<Record<string, unknown>>, 'insert' | 'execute'>;

const channelOfOutbox = new WeakMap<OutboxTable, string>();

/** The NOTIFY channel of the outbox's relay. */
function channelOf(outbox: OutboxTable): string {
  let channel = channelOfOutbox.get(outbox);
  if (!channel) channelOfOutbox.set(outbox, (channel = notifyChannel(getTableConfig(outbox).schema!)));
  return channel;
}

/**
 * Records events in the caller's transaction; they are published once it commits. One statement:
 * the insert runs as a data-modifying CTE of the NOTIFY that wakes the relay (also sent at commit).
 * `alongWith`: other writes of the same change whose results the caller does not need (an insert,
 * an update, a delete), sent as further CTEs of that statement, so the change and its events cost
 * one round trip to the database.
 */
export async function recordEvents(tx: Writer, outbox: OutboxTable, events: NewEvent[], alongWith: SQLWrapper[] = []): Promise<void> {
  if (events.length === 0 && alongWith.length === 0) return;
  const writes = alongWith.map((write, i) => drizzleSql`${drizzleSql.raw(`write_${i}`)} as (${write.getSQL()})`);
  if (events.length === 0) {
    await tx.execute(drizzleSql`with ${drizzleSql.join(writes, drizzleSql`, `)} select 1`);
    return;
  }
  const recorded = drizzleSql`recorded as (${tx.insert(outbox).values(withTraceContext(events)).getSQL()})`;
  await tx.execute(drizzleSql`with ${drizzleSql.join([...writes, recorded], drizzleSql`, `)} select pg_notify(${channelOf(outbox)}, '')`);
}

/**
 * The outbox part of `recordEvents`, for a statement of the caller's own (an insert that must
 * return its row, say): `recorded` inserts the events as a CTE (`db.with(recorded, …)`), and
 * `notify`, the NOTIFY that wakes the relay, goes once into that statement's RETURNING.
 */
export function eventsInStatement(db: Pick<PostgresJsDatabase<Record<string, unknown>>, '$with' | 'insert'>, outbox: OutboxTable, events: NewEvent[]) {
  return {
    recorded: db.$with('recorded').as(db.insert(outbox).values(withTraceContext(events))),
    notify: drizzleSql<string>`pg_notify(${channelOf(outbox)}, '')`,
  };
}

export interface Relay {
  stop(): Promise<void>;
  /** Resolves when everything recorded so far has been published (tests, shutdown). */
  drained(): Promise<void>;
}

/**
 * Moves committed outbox rows to Redis. Woken by NOTIFY for low latency, and by a poll as a
 * fallback. Publishing then deleting makes a crash in between publish twice, never lose.
 * It has connections of its own (the leader holds one for as long as it leads), apart from the
 * pool that serves requests.
 */
export function startOutboxRelay(opts: { schemaName: string; url?: string; redis?: Redis; pollMs?: number }): Relay {
  const { schemaName } = opts;
  const sql = postgres(opts.url ?? setting('DATABASE_URL'), { max: 2, onnotice: () => {} });
  const redis = opts.redis ?? createRedis();
  const log = logger.child({ relay: schemaName });
  const lockKey = `outbox-relay:${schemaName}`;
  const table = sql(`${schemaName}.outbox`); // postgres.js quotes each part of a dotted name
  let leader: postgres.ReservedSql | null = null;

  async function becomeLeader(): Promise<boolean> {
    if (leader) return true;
    const conn = await sql.reserve();
    const [row] = await conn`select pg_try_advisory_lock(hashtext(${lockKey})) as locked`;
    if (row?.locked) {
      leader = conn;
      log.debug('relaying');
      return true;
    }
    conn.release();
    return false;
  }

  async function drain(): Promise<void> {
    if (!(await becomeLeader())) return;
    for (;;) {
      // Epoch milliseconds: drizzle sets this client to hand timestamps back as raw strings.
      const rows = await leader!<{ id: string; topic: string; key: string; payload: unknown; occurred_ms: number }[]>`
        select id, topic, key, payload, (extract(epoch from occurred_at) * 1000)::float8 as occurred_ms
        from ${table} order by id limit 500`;
      if (rows.length === 0) return;
      const pipeline = redis.pipeline();
      for (const row of rows) {
        const { [TRACE_KEY]: traceparent, ...payload } = row.payload as Record<string, unknown>;
        pipeline.xadd(
          streamKey(row.topic),
          'MAXLEN',
          '~',
          STREAM_MAX_LENGTH,
          '*',
          'id',
          `${schemaName}:${row.id}`,
          'source',
          schemaName,
          'key',
          row.key,
          'payload',
          JSON.stringify(payload),
          'occurredAt',
          new Date(row.occurred_ms).toISOString(),
          ...(typeof traceparent === 'string' ? ['traceparent', traceparent] : []),
        );
      }
      const results = await pipeline.exec();
      const failed = results?.find(([err]) => err);
      if (failed) throw failed[0];
      await leader!`delete from ${table} where id = any(${rows.map((r) => r.id)}::bigint[])`;
      if (rows.length < 500) return;
    }
  }

  const drains = serialDrain(drain, (err) => {
    log.warn({ err }, 'relay failed; retrying');
    leader?.release();
    leader = null;
  });
  const wake = drains.wake;

  const listening = sql.listen(notifyChannel(schemaName), wake).catch((err) => {
    log.warn({ err }, 'LISTEN failed; relying on polling');
    return null;
  });
  const poll = setInterval(wake, opts.pollMs ?? 1000);
  wake();
  // Measured at scrape from the table itself, whichever instance relays: the relay's lag.
  const stopMeasuring = measureOutboxAtScrape(schemaName, async () => {
    const [row] = await sql<{ unrelayed: number; oldestAgeSeconds: number }[]>`
      select count(*)::int as unrelayed, coalesce(extract(epoch from now() - min(occurred_at)), 0)::float8 as "oldestAgeSeconds" from ${table}`;
    return row!;
  });

  return {
    drained: drains.idle,
    async stop() {
      clearInterval(poll);
      await drains.stop();
      stopMeasuring();
      await (await listening)?.unlisten();
      if (leader) {
        // A connection Postgres terminated took its lock with it.
        await leader`select pg_advisory_unlock(hashtext(${lockKey}))`.catch(() => undefined);
        leader.release();
      }
      await sql.end({ timeout: 5 });
      if (!opts.redis) redis.disconnect();
    },
  };
}

export function parseEntry(topic: string, [streamId, fields]: [string, string[]]): DomainEvent {
  const f: Record<string, string> = {};
  for (let i = 0; i < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
  return {
    id: f.id!,
    source: f.source!,
    topic,
    key: f.key!,
    payload: JSON.parse(f.payload!),
    occurredAt: f.occurredAt!,
    streamId,
    ...(f.traceparent ? { traceparent: f.traceparent } : {}),
  };
}

/** Events of `topic` that `group` has not handled: not yet delivered (`lag`, Redis 7) plus delivered and unacknowledged. */
async function groupLag(group: string, topic: string): Promise<number> {
  const groups = (await commandRedis().xinfo('GROUPS', streamKey(topic))) as (string | number | null)[][];
  for (const fields of groups) {
    const info = new Map<string, unknown>();
    for (let i = 0; i < fields.length; i += 2) info.set(String(fields[i]), fields[i + 1]);
    if (info.get('name') === group) return Number(info.get('lag') ?? NaN) + Number(info.get('pending') ?? 0);
  }
  return NaN;
}

/** A span per batch (or event) handled later, linked to the traces of the changes that caused it; sampled causes only. */
function handlingSpan<T>(name: string, topic: string, events: DomainEvent[], work: () => Promise<T>): Promise<T> {
  const links = events.filter((e) => e.traceparent?.endsWith('-01')).flatMap((e) => linkTo(e.traceparent) ?? []);
  if (links.length === 0) return work();
  return inSpan(
    name,
    { kind: SpanKind.CONSUMER, root: true, links, attributes: { 'messaging.system': 'redis', 'messaging.destination.name': topic, 'messaging.batch.message_count': events.length } },
    work,
  );
}

export interface Consumer {
  stop(): Promise<void>;
}

/** Runs `step` on its own Redis connection until stopped, retrying after a failure (Redis restarts). */
function consumerLoop(what: string, step: (redis: Redis) => Promise<void>): Consumer {
  const redis = createRedis(undefined, { blocking: true });
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        await step(redis);
      } catch (err) {
        if (stopped) break;
        logger.warn({ err, consumer: what }, 'event consumer failed; retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      redis.disconnect();
    },
  };
}

/**
 * Follows topics (subscriptions): from now on, or after stream position `after` when given; no
 * acknowledgements. Uses its own blocking connection; reconnects and resumes after the last entry seen.
 */
export function tailEvents(
  topics: string[],
  onEvent: (event: DomainEvent) => void | Promise<void>,
  opts: { after?: string } = {},
): Consumer {
  // "From now on" is fixed once per stream: reading `$` again on every call would skip what a
  // quiet stream received between two reads.
  let positions: string[] | null = opts.after ? topics.map(() => opts.after!) : null;
  return consumerLoop(`tail ${topics.join(',')}`, async (redis) => {
    positions ??= await Promise.all(
      topics.map(async (t) => (await redis.xrevrange(streamKey(t), '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0'),
    );
    const reply = (await redis.xread('COUNT', 500, 'BLOCK', 1000, 'STREAMS', ...topics.map(streamKey), ...positions)) as
      | [string, [string, string[]][]][]
      | null;
    for (const [key, entries] of reply ?? []) {
      const index = topics.findIndex((t) => streamKey(t) === key);
      for (const entry of entries) {
        positions[index] = entry[0];
        const event = parseEntry(topics[index]!, entry);
        await handlingSpan(`${event.topic} deliver`, event.topic, [event], async () => onEvent(event));
      }
    }
  });
}

/**
 * A durable consumer group (projections, read models): every event of `topic` is handled at least
 * once by one member of `group`, in stream order per consumer. A batch whose handler failed is
 * retried by the same member after a short pause; entries a crashed member left unacknowledged are
 * claimed by the others after `claimIdleMs`. The handler must be idempotent.
 */
export function consumeEvents(opts: {
  topic: string;
  group: string;
  consumer?: string;
  handler: (events: DomainEvent[]) => Promise<void>;
  claimIdleMs?: number;
  /**
   * Where a group that does not exist yet starts: `earliest`, every event the stream still holds
   * (copies that must reflect the past), or `latest`, what happens from then on (notifications,
   * which must not announce the past when first deployed).
   */
  startAt?: 'earliest' | 'latest';
}): Consumer {
  const key = streamKey(opts.topic);
  const consumer = opts.consumer ?? `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const stopMeasuring = measureConsumerLagAtScrape(opts.group, opts.topic, () => groupLag(opts.group, opts.topic));
  const start = opts.startAt === 'latest' ? '$' : '0';
  const loop = consumerLoop(`group ${opts.group} on ${opts.topic}`, async (redis) => {
    await redis.xgroup('CREATE', key, opts.group, start, 'MKSTREAM').catch((err: Error) => {
      if (!err.message.includes('BUSYGROUP')) throw err;
    });
    type Entries = [string, [string, string[]][]][] | null;
    // This member's own unacknowledged entries (its handler failed on them) are retried first, at
    // once; then entries another member took but never acknowledged (it crashed); then new ones.
    const own = (await redis.xreadgroup('GROUP', opts.group, consumer, 'COUNT', 200, 'STREAMS', key, '0')) as Entries;
    const pending = own?.[0]?.[1] ?? [];
    // Trimmed from the stream meanwhile: nothing left to handle.
    const trimmed = pending.filter((e) => !e[1]).map((e) => e[0]);
    if (trimmed.length) await redis.xack(key, opts.group, ...trimmed);
    const retried = pending.filter((e) => e[1]);
    const [, claimed] = retried.length
      ? [null, []]
      : ((await redis.xautoclaim(key, opts.group, consumer, opts.claimIdleMs ?? 30_000, '0', 'COUNT', 100)) as [string, [string, string[]][]]);
    const fresh =
      retried.length || claimed.length
        ? null
        : ((await redis.xreadgroup('GROUP', opts.group, consumer, 'COUNT', 200, 'BLOCK', 1000, 'STREAMS', key, '>')) as Entries);
    const entries = [...retried, ...claimed.filter((e) => e[1]), ...(fresh?.[0]?.[1] ?? [])];
    if (entries.length === 0) return;
    const events = entries.map((e) => parseEntry(opts.topic, e));
    await handlingSpan(`${opts.group} process`, opts.topic, events, () => opts.handler(events));
    await redis.xack(key, opts.group, ...entries.map((e) => e[0]));
  });
  return {
    async stop() {
      stopMeasuring();
      await loop.stop();
    },
  };
}
