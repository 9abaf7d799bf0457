import { randomUUID } from 'node:crypto';
import { asc, sql } from 'drizzle-orm';
import { pgSchema, text, uuid } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, inTransaction, isAnyOf, preparedStatement } from '../src/db';

// A throwaway Postgres schema with one table, as a subgraph would have.
const schemaName = `prepared_test_${randomUUID().slice(0, 8)}`;
const things = pgSchema(schemaName).table('things', { id: uuid('id').primaryKey(), name: text('name').notNull() });
const database = createDatabase({ things });
const other = createDatabase({ things });
type Db = typeof database.db;

const ids = [randomUUID(), randomUUID(), randomUUID()].sort();
let builds = 0;
const thingsByIds = preparedStatement((db: Db) => {
  builds++;
  return db.select().from(things).where(isAnyOf(things.id, 'ids')).orderBy(asc(things.id)).prepare('test:thingsByIds');
});

beforeAll(async () => {
  await database.sql.unsafe(`create schema ${schemaName}; create table ${schemaName}.things (id uuid primary key, name text not null)`);
  await database.db.insert(things).values(ids.map((id, i) => ({ id, name: `thing ${i}` })));
});
afterAll(async () => {
  await database.sql.unsafe(`drop schema ${schemaName} cascade`);
  await Promise.all([database.close(), other.close()]);
});

describe('statements prepared once', () => {
  it('are built once per database, and answer lists of any length (none too) as uuid arrays', async () => {
    expect(await thingsByIds(database.db).execute({ ids: [ids[2], ids[0]] })).toEqual([
      { id: ids[0], name: 'thing 0' },
      { id: ids[2], name: 'thing 2' },
    ]);
    expect(await thingsByIds(database.db).execute({ ids })).toHaveLength(3);
    expect(await thingsByIds(database.db).execute({ ids: [] })).toEqual([]);
    expect(builds).toBe(1);
    expect(await thingsByIds(other.db).execute({ ids: [ids[1]] })).toEqual([{ id: ids[1], name: 'thing 1' }]);
    expect(builds).toBe(2);
  });

  it('run inside a transaction with inTransaction: they see its writes, and are undone with it', async () => {
    const added = randomUUID();
    await expect(
      database.db.transaction(async (tx) => {
        await tx.insert(things).values({ id: added, name: 'uncommitted' });
        const seen = await inTransaction(tx, thingsByIds(database.db)).execute({ ids: [added] });
        expect(seen).toEqual([{ id: added, name: 'uncommitted' }]);
        // Outside the transaction the row does not exist yet.
        expect(await thingsByIds(database.db).execute({ ids: [added] })).toEqual([]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await database.db.select().from(things).where(sql`${things.id} = ${added}`)).toEqual([]);
  });
});
