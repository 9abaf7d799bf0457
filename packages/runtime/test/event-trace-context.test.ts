/**
 * Events carry the trace of the change that caused them through the outbox and the stream, and
 * the span that handles them later links to it; consumers never see the context in the payload.
 * Tracing runs in this test process with the SDK's in-memory exporter.
 */
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { pgSchema } from 'drizzle-orm/pg-core';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../src/db';
import { consumeEvents, outboxTable, recordEvents, startOutboxRelay, type DomainEvent } from '../src/events';
import { activeSpan, flushTraces, inSpan, startTracing } from '../src/telemetry/tracing';

const exporter = new InMemorySpanExporter();
const tracing = startTracing({ exporter, serviceName: 'events-test' });

const schemaName = `trace_events_${randomUUID().slice(0, 8)}`;
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
  await tracing.shutdown();
});

describe('trace context through the outbox', () => {
  it('links the consumer\'s span to the recording trace; the payload stays the domain\'s own', async () => {
    const handled: DomainEvent[] = [];
    const group = consumeEvents({ topic, group: 'traced', handler: async (events) => void handled.push(...events) });
    const relay = startOutboxRelay({ schemaName });

    // The change, inside a trace (as a request's would be), and one outside any.
    const cause = await inSpan('setStock', {}, async () => {
      await database.db.transaction((tx) => recordEvents(tx, outbox, [{ topic, key: 'v-1', payload: { available: 3 } }]));
      return activeSpan()!.spanContext();
    });
    await database.db.transaction((tx) => recordEvents(tx, outbox, [{ topic, key: 'v-2', payload: { available: 4 } }]));

    for (const deadline = Date.now() + 5000; handled.length < 2 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    await Promise.all([relay.stop(), group.stop()]);
    expect(handled.map((e) => e.payload)).toEqual([{ available: 3 }, { available: 4 }]);
    expect(handled[0]!.traceparent).toBe(`00-${cause.traceId}-${cause.spanId}-01`);
    expect(handled[1]!.traceparent).toBeUndefined();

    await flushTraces();
    const spans = exporter.getFinishedSpans();
    // The statement that recorded it ran under the cause's span.
    expect(spans.some((s) => s.spanContext().traceId === cause.traceId && s.attributes['db.system.name'] === 'postgresql')).toBe(true);
    const consumer = spans.filter((s) => s.name === 'traced process');
    const linked = consumer.filter((s) => s.links.some((l) => l.context.traceId === cause.traceId));
    expect(linked).toHaveLength(1);
    // Its own trace: it ran later, for whatever the batch held.
    expect(linked[0]!.spanContext().traceId).not.toBe(cause.traceId);
    expect(linked[0]!.parentSpanContext).toBeUndefined();
  });
});
