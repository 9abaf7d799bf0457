import { randomUUID } from 'node:crypto';
import { pgSchema } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../src/db';
import { consumeEvents, outboxTable, recordEvents, startOutboxRelay, tailEvents, type DomainEvent } from '../src/events';

// A throwaway Postgres schema with an outbox, as a subgraph would have.
const schemaName = `events_test_${randomUUID().slice(0, 8)}`;
const outbox = outboxTable(pgSchema(schemaName));
const database = createDatabase({ outbox });
const topic = `test.${schemaName}`;

beforeAll(async () => {
  await database.sql.unsafe(`create schema ${schemaName};
    create table ${schemaName}.outbox (id bigserial primary key, topic text not null, key text not null,
      payload jsonb not null, occurred_at timestamptz not null default now())`);
});
afterAll(async () => {
  await database.sql.unsafe(`drop schema ${schemaName} cascade`);
  await database.close();
});

const until = async (check: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('transactional outbox relayed to Redis Streams', () => {
  it('publishes committed events in order, never rolled-back ones, to tails and consumer groups', async () => {
    const tailed: DomainEvent[] = [];
    const grouped: DomainEvent[] = [];
    const tail = tailEvents([topic], (e) => void tailed.push(e));
    const group = consumeEvents({ topic, group: 'test', handler: async (events) => void grouped.push(...events) });
    await new Promise((r) => setTimeout(r, 200)); // the tail starts at "now"
    const relay = startOutboxRelay({ schemaName });

    for (let i = 0; i < 5; i++) {
      await database.db.transaction((tx) => recordEvents(tx, outbox, [{ topic, key: 'order-1', payload: { seq: i } }]));
    }
    await database.db
      .transaction(async (tx) => {
        await recordEvents(tx, outbox, [{ topic, key: 'order-1', payload: { seq: 'rolled back' } }]);
        throw new Error('abort');
      })
      .catch(() => {});

    await until(() => tailed.length >= 5 && grouped.length >= 5);
    expect(tailed.map((e) => e.payload.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(grouped.map((e) => e.payload.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(new Set(tailed.map((e) => e.id)).size).toBe(5);
    expect(tailed[0]).toMatchObject({ source: schemaName, topic, key: 'order-1' });
    // Published rows leave the outbox.
    await relay.drained();
    expect(await database.sql.unsafe(`select count(*)::int as n from ${schemaName}.outbox`)).toEqual([{ n: 0 }]);

    await Promise.all([relay.stop(), tail.stop(), group.stop()]);
  });

  it('tails several topics without losing events of the quieter one', async () => {
    const quiet = `${topic}.quiet`;
    const seen: DomainEvent[] = [];
    const tail = tailEvents([topic, quiet], (e) => void seen.push(e));
    await new Promise((r) => setTimeout(r, 200));
    const relay = startOutboxRelay({ schemaName });
    for (let i = 0; i < 20; i++) {
      await database.db.transaction((tx) =>
        recordEvents(tx, outbox, [{ topic: i % 5 === 0 ? quiet : topic, key: 'k', payload: { i } }]),
      );
    }
    await until(() => seen.length >= 20);
    expect(seen.filter((e) => e.topic === quiet).map((e) => e.payload.i)).toEqual([0, 5, 10, 15]);
    await Promise.all([relay.stop(), tail.stop()]);
  });

  it('lets only one relay instance publish at a time, and another take over when it stops', async () => {
    const seen: DomainEvent[] = [];
    const tail = tailEvents([topic], (e) => void seen.push(e));
    await new Promise((r) => setTimeout(r, 200));
    const first = startOutboxRelay({ schemaName });
    const second = startOutboxRelay({ schemaName });
    await database.db.transaction((tx) => recordEvents(tx, outbox, [{ topic, key: 'k', payload: { n: 1 } }]));
    await until(() => seen.length >= 1);
    await first.stop();
    await database.db.transaction((tx) => recordEvents(tx, outbox, [{ topic, key: 'k', payload: { n: 2 } }]));
    await until(() => seen.length >= 2);
    expect(seen.map((e) => e.payload.n)).toEqual([1, 2]);
    await Promise.all([second.stop(), tail.stop()]);
  });
});

describe('consumer groups', () => {
  it('retry a batch whose handler failed at once, not after the claim timeout', async () => {
    const retryTopic = `${topic}.retry`;
    const handled: DomainEvent[] = [];
    let failures = 0;
    const group = consumeEvents({
      topic: retryTopic,
      group: 'retry-test',
      handler: async (events) => {
        if (failures++ === 0) throw new Error('the projection database blinked');
        handled.push(...events);
      },
    });
    const relay = startOutboxRelay({ schemaName });
    await database.db.transaction((tx) => recordEvents(tx, outbox, [{ topic: retryTopic, key: 'k', payload: { n: 1 } }]));
    await until(() => handled.length >= 1, 3000);
    expect(handled.map((e) => e.payload.n)).toEqual([1]);
    expect(failures).toBe(2);
    await Promise.all([relay.stop(), group.stop()]);
  });
});
