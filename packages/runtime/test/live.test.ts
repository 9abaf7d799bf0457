/** The subgraph side of live updates, against the real Redis: ordering, catch-up and the bounded queue. */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedis, liveEvents, streamKey, streamPositionNow, type DomainEvent } from '../src';

const redis = createRedis();
const topics: string[] = [];
const newTopic = () => topics[topics.push(`test.${randomUUID()}`) - 1]!;
afterAll(async () => {
  await redis.del(...topics.map(streamKey));
  redis.disconnect();
});

/** Appends events to a topic's stream as the outbox relay does; returns their stream ids. */
async function publish(topic: string, keys: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const key of keys) {
    const payload = JSON.stringify({ key });
    ids.push((await redis.xadd(streamKey(topic), '*', 'id', randomUUID(), 'source', 'test', 'key', key, 'payload', payload, 'occurredAt', new Date().toISOString()))!);
  }
  return ids;
}

async function take(events: AsyncIterator<DomainEvent>, count: number): Promise<string[]> {
  const keys: string[] = [];
  while (keys.length < count) keys.push((await events.next()).value!.key);
  return keys;
}

describe('liveEvents', () => {
  it('delivers the matching events recorded after the given position, in order, to every subscription', async () => {
    const topic = newTopic();
    const first = liveEvents([topic], { matches: (e) => e.key.startsWith('a') });
    const firstKeys = take(first, 3);
    await new Promise((r) => setTimeout(r, 50));
    const before = streamPositionNow();
    await publish(topic, ['a1', 'b1', 'a2']);
    // Joins the running tail after those events were read: catches up from the stream, no duplicates.
    const second = liveEvents([topic], { after: before, matches: () => true });
    const secondKeys = take(second, 4);
    await new Promise((r) => setTimeout(r, 50));
    await publish(topic, ['a3']);
    expect(await firstKeys).toEqual(['a1', 'a2', 'a3']);
    expect(await secondKeys).toEqual(['a1', 'b1', 'a2', 'a3']);
    await Promise.all([first.return?.(), second.return?.()]);
  });

  it('catches up over more past events than one read of the stream returns', async () => {
    const topic = newTopic();
    const running = liveEvents([topic], { matches: () => false });
    void running.next();
    await new Promise((r) => setTimeout(r, 50));
    const before = streamPositionNow();
    await publish(topic, [...Array.from({ length: 1200 }, (_, i) => `old${i}`), 'last']);
    await new Promise((r) => setTimeout(r, 200));
    // Joins the running tail after all of them were recorded: only the stream has them now.
    const resumed = liveEvents([topic], { after: before, matches: (e) => e.key === 'old0' || e.key === 'last' });
    expect(await take(resumed, 2)).toEqual(['old0', 'last']);
    await Promise.all([running.return?.(), resumed.return?.()]);
  });

  it('keeps at most 100 undelivered events for a slow subscription, dropping the oldest', async () => {
    const topic = newTopic();
    const after = streamPositionNow();
    const keys = Array.from({ length: 250 }, (_, i) => `k${i}`);
    await publish(topic, keys);
    const slow = liveEvents([topic], { after, matches: () => true });
    // The first read is waited for; everything after it arrives while nobody reads.
    const firstKey = (await slow.next()).value!.key;
    await new Promise((r) => setTimeout(r, 200));
    const rest = await take(slow, 100);
    expect(firstKey).toBe('k0');
    expect(rest).toEqual(keys.slice(150));
    await slow.return?.();
  });
});
