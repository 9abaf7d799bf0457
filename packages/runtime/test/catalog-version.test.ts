/** The catalog version, against the real Redis: it moves on every bump and never goes back. */
import { afterAll, describe, expect, it } from 'vitest';
import { bumpCatalogVersion, catalogVersion, createRedis } from '../src';

const redis = createRedis();
afterAll(() => redis.disconnect());

describe('the catalog version', () => {
  it('changes on every bump, and after its key is lost never repeats a version handed out before', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      seen.add(await catalogVersion());
      await bumpCatalogVersion();
    }
    seen.add(await catalogVersion());
    expect(seen.size).toBe(4);

    await redis.del('catalog:version'); // Redis restarted empty
    const afterLoss = await catalogVersion();
    expect(seen.has(afterLoss)).toBe(false);
    expect(Number(afterLoss)).toBeGreaterThan(Math.max(...[...seen].map(Number)));
  });
});
