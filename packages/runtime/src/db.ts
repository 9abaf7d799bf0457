import postgres from 'postgres';
import { is, sql as drizzleSql, type Column, type SQL } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { setting } from './settings';
import { observeQuery, poolObserver, type PoolObserver } from './telemetry/db';

/** Statements sent to Postgres by this process; tests read it to prove a query's SQL count is flat. */
export const sqlStatements = { count: 0 };

export interface Database<TSchema extends Record<string, unknown>> {
  db: PostgresJsDatabase<TSchema>;
  sql: postgres.Sql;
  close(): Promise<void>;
}

/** A drizzle database over a postgres.js pool. Each subgraph passes its own tables (in its own Postgres schema). */
export function createDatabase<TSchema extends Record<string, unknown>>(
  schema: TSchema,
  opts: {
    url?: string;
    max?: number;
    /** False for a pool of background work (event projections): its statements are no request's, so not counted. */
    countStatements?: boolean;
    /** The pool's name in metrics; by default the Postgres schema of its tables (`-background` for background work). */
    name?: string;
  } = {},
): Database<TSchema> {
  const max = opts.max ?? setting('DB_POOL_SIZE');
  const pool = poolObserver(opts.name ?? poolName(schema, opts.countStatements === false), max);
  const sql = postgres(opts.url ?? setting('DATABASE_URL'), {
    max,
    onnotice: () => {},
    debug:
      opts.countStatements === false
        ? undefined
        : (_connection, query) => {
            // The driver's own type lookup on a new pool connection is not a statement of ours.
            if (!query.includes('pg_catalog.pg_type')) sqlStatements.count++;
          },
  });
  return { db: drizzle(preparingStatements(sql, pool, false), { schema }), sql, close: () => sql.end({ timeout: 5 }) };
}

/**
 * A statement drizzle builds once per database instead of on every execution (building the SQL
 * took 12–22% of the CPU of a product page, a cart and a checkout): `build` returns a `.prepare()`d
 * query whose varying values are `sql.placeholder`s, and runs the first time the statement is
 * wanted on a database. Kept per database object, as a prepared query is bound to the client it
 * was built on (tests and background pools have databases of their own). Name it
 * `<subgraph>:<statement>`, unique in a process that runs every subgraph.
 */
export function preparedStatement<D extends object, Q>(build: (db: D) => Q): (db: D) => Q {
  const byDatabase = new WeakMap<D, Q>();
  return (db) => {
    let query = byDatabase.get(db);
    if (query === undefined) byDatabase.set(db, (query = build(db)));
    return query;
  };
}

/**
 * `statement` (a `preparedStatement` of a database) run in `tx`, one of that database's
 * transactions: the SQL built once, sent on the transaction's connection. drizzle binds a prepared
 * query to the client of the session it was built on and has no way to move it; its postgres-js
 * query keeps that client in `client`, which this copy replaces with the transaction's.
 */
export function inTransaction<Q extends object>(tx: { readonly _: { readonly session: object } }, statement: Q): Q {
  const { client } = tx._.session as { client?: postgres.TransactionSql };
  // Were drizzle to keep it elsewhere, the copy would run outside the transaction: refuse instead.
  if (!client || !('client' in statement)) throw new Error('inTransaction: drizzle no longer keeps a query’s client in `client`');
  return Object.assign(Object.create(Object.getPrototypeOf(statement) as object) as Q, statement, { client });
}

/**
 * `column = any(:placeholder)`, given a list of values: one statement text whatever the list's
 * length (an `in (…)` has one per length). Postgres types the parameter as an array of the column's
 * type, and postgres.js sends the list as one. Postgres then plans it anew for each list (its
 * generic plan assumes ten values, dearer than a custom one for the short lists loaders send):
 * measured 10–40 µs of its CPU per execution, against 50–70 µs of ours for drizzle to build a
 * simple select.
 */
export function isAnyOf(column: Column, placeholder: string): SQL {
  return drizzleSql`${column} = any(${drizzleSql.placeholder(placeholder)})`;
}

/** The Postgres schema the tables live in (each subgraph's own), as a pool's name. */
function poolName(schema: Record<string, unknown>, background: boolean): string {
  const table = Object.values(schema).find((value) => is(value, PgTable)) as PgTable | undefined;
  const name = (table && getTableConfig(table).schema) ?? 'public';
  return background ? `${name}-background` : name;
}

/**
 * Distinct statement texts a process prepares, at most: every prepared statement stays in each
 * connection's memory (on both sides) until the connection is recycled, and a statement with an
 * `in ($1, $2, …)` makes a text per list length (`isAnyOf` makes one); the rare texts beyond these
 * run unprepared.
 */
const MAX_PREPARED_TEXTS = 500;
const preparedTexts = new Set<string>();

function worthPreparing(query: string): boolean {
  if (preparedTexts.has(query)) return true;
  if (preparedTexts.size >= MAX_PREPARED_TEXTS) return false;
  preparedTexts.add(query);
  return true;
}

/**
 * The client drizzle is given: its parameterised statements become named prepared statements,
 * which postgres.js keeps per connection, so Postgres parses and plans each statement shape once
 * per connection instead of on every execution (drizzle asks for unnamed ones unless a query is
 * explicitly `.prepare()`d). Transactions and savepoints hand out clients that do the same.
 */
function preparingStatements(sql: postgres.Sql | postgres.TransactionSql, pool: PoolObserver, inTransaction: boolean): postgres.Sql {
  const unsafe = (query: string, params?: unknown[], options?: postgres.UnsafeQueryOptions) =>
    observeQuery(
      params?.length && worthPreparing(query)
        ? sql.unsafe(query, params as postgres.ParameterOrJSON<never>[], { ...options, prepare: true })
        : sql.unsafe(query, params as never, options),
      query,
      pool,
      // A statement of a transaction runs on the connection the transaction already holds.
      !inTransaction,
    );
  // The work given to a transaction (or savepoint) is its last argument: it gets a preparing client too.
  const opening =
    (open: (...args: unknown[]) => unknown) =>
    (...args: unknown[]) => {
      const work = args.pop() as (tx: postgres.TransactionSql) => unknown;
      const run = () => open(...args, (tx: postgres.TransactionSql) => work(preparingStatements(tx, pool, true) as unknown as postgres.TransactionSql));
      return inTransaction ? run() : pool.holdingConnection(run as () => Promise<unknown>);
    };
  const overrides: Record<string, unknown> = { unsafe };
  if ('begin' in sql) overrides.begin = opening(sql.begin.bind(sql) as (...args: unknown[]) => unknown);
  if ('savepoint' in sql) overrides.savepoint = opening(sql.savepoint.bind(sql) as (...args: unknown[]) => unknown);
  return new Proxy(sql, {
    get: (target, property, receiver) => (typeof property === 'string' && property in overrides ? overrides[property] : Reflect.get(target, property, receiver)),
  }) as postgres.Sql;
}

/** Creates the database named in `url` when it does not exist yet. */
export async function ensureDatabaseExists(url: string = setting('DATABASE_URL')): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`select 1 from pg_database where datname = ${name}`;
    if (!row) await sql.unsafe(`create database "${name.replace(/"/g, '""')}"`);
  } catch (err) {
    // Two processes may race to create it; the loser sees duplicate_database, or a unique
    // violation on pg_database when both got past Postgres' own existence check.
    const code = (err as { code?: string }).code;
    if (code !== '42P04' && code !== '23505') throw err;
  } finally {
    await sql.end();
  }
}

/** Drops and creates the database named in `url` (tests and benchmarks start from nothing). */
export async function recreateDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`drop database if exists "${name.replace(/"/g, '""')}" with (force)`);
    await sql.unsafe(`create database "${name.replace(/"/g, '""')}"`);
  } finally {
    await sql.end();
  }
}

/**
 * Runs `work` on one dedicated connection while holding a session-level Postgres advisory lock
 * named `key`: whoever else asks for the same key waits until `work` is done (or its connection
 * dies, which releases the lock too).
 */
export async function withAdvisoryLock<T>(url: string, key: string, work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(hashtext(${key}))`;
    return await work(sql);
  } finally {
    await sql.end();
  }
}

/**
 * Applies a subgraph's drizzle-kit migrations, bookkept in its own Postgres schema. Runs on one
 * dedicated connection holding an advisory lock, so several instances of a subgraph starting at
 * once migrate one after the other.
 */
export async function migrateSubgraph(opts: {
  schemaName: string;
  migrationsFolder: string;
  url?: string;
}): Promise<void> {
  await withAdvisoryLock(opts.url ?? setting('DATABASE_URL'), `migrate:${opts.schemaName}`, (sql) =>
    migrate(drizzle(sql), {
      migrationsFolder: opts.migrationsFolder,
      migrationsSchema: opts.schemaName,
      migrationsTable: '__drizzle_migrations',
    }),
  );
}

/**
 * The constraint a unique violation (23505) hit, or null for any other error. drizzle wraps the
 * driver's error, so both the error and its cause are looked at.
 */
export function uniqueViolation(err: unknown): string | null {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    const pg = e as { code?: string; constraint_name?: string };
    if (pg.code === '23505') return pg.constraint_name ?? '';
  }
  return null;
}
