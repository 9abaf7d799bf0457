/**
 * Every environment variable any of our processes, scripts, tests or benchmarks reads, declared
 * once: its type, its default and what it means. Read a value with `setting('NAME')`; nothing else
 * reads `process.env` for configuration. A process calls `validateSettings()` as it starts, so a
 * bad value stops it with one message naming every bad variable. The README's table of variables
 * is rendered from this declaration (`pnpm docs:settings`; a test fails when it is stale).
 *
 * Values are parsed when first read and re-parsed only when the variable's text changes (tests
 * point `<NAME>_URL` at in-process servers after import), so reading one on a hot path is a Map
 * lookup.
 */
import { z } from 'zod';

/** Where a setting matters: the README groups them so. */
export type SettingGroup =
  | 'core'
  | 'subgraphs'
  | 'identity'
  | 'resilience'
  | 'traffic'
  | 'telemetry'
  | 'checkout'
  | 'payments'
  | 'notifications'
  | 'web'
  | 'deploy'
  | 'tools';

interface Declaration<T> {
  schema: z.ZodType<T>;
  /** The value when unset, as it would be written in the environment (undefined: none). */
  default?: string;
  /** A default that depends on another setting, described for the README. */
  defaultText?: string;
  doc: string;
  group: SettingGroup;
}

function declare<T>(schema: z.ZodType<T>, rest: Omit<Declaration<T>, 'schema'>): Declaration<T> {
  return { schema, ...rest };
}

const text = z.string().min(1);
const url = z.url();
const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().nonnegative();
/** A leaky bucket, `<size>,<restored per second>`: both positive integers. */
const bucket = z
  .string()
  .regex(/^\s*\d+\s*,\s*\d+\s*$/, { message: 'must be "<points>,<points per second>"' })
  .transform((value) => {
    const [size, restorePerSecond] = value.split(',').map(Number) as [number, number];
    return { size, restorePerSecond };
  })
  .refine((b) => b.size > 0 && b.restorePerSecond > 0, { message: 'both numbers must be positive' });
const jwk = z.string().refine(
  (value) => {
    try {
      return typeof JSON.parse(value) === 'object';
    } catch {
      return false;
    }
  },
  { message: 'must be a JWK as JSON' },
);

/** The subgraphs, in the order of their default ports (4001 onwards). */
export const SUBGRAPH_NAMES = ['users', 'products', 'inventory', 'orders', 'payments', 'reviews', 'notifications'] as const;

function perSubgraph<P extends string, T>(
  suffix: P,
  make: (name: (typeof SUBGRAPH_NAMES)[number], index: number) => Declaration<T>,
): Record<`${Uppercase<(typeof SUBGRAPH_NAMES)[number]>}_${P}`, Declaration<T>> {
  return Object.fromEntries(SUBGRAPH_NAMES.map((name, index) => [`${name.toUpperCase()}_${suffix}`, make(name, index)])) as Record<
    `${Uppercase<(typeof SUBGRAPH_NAMES)[number]>}_${P}`,
    Declaration<T>
  >;
}

export const SETTINGS = {
  // ---- core
  NODE_ENV: declare(z.enum(['development', 'test', 'production']), {
    default: 'development',
    doc: '`production` requires real keys and the operator account from the environment, and turns off development conveniences',
    group: 'core',
  }),
  SERVICE_NAME: declare(text, {
    default: 'marketplace',
    doc: 'the process\'s name in logs and Redis `CLIENT LIST` (set by the launchers)',
    group: 'core',
  }),
  LOG_LEVEL: declare(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), {
    default: 'info',
    doc: 'pino log level (tests run with `warn`)',
    group: 'core',
  }),
  PORT: declare(port, { default: '4000', doc: 'gateway port', group: 'core' }),
  DATABASE_URL: declare(url, {
    default: 'postgres://postgres@127.0.0.1:5432/ecommerce',
    doc: 'one database; each subgraph keeps its tables in its own Postgres schema. Created if missing',
    group: 'core',
  }),
  DB_POOL_SIZE: declare(positiveInt, { default: '10', doc: 'Postgres connections per process', group: 'core' }),
  REDIS_URL: declare(url, { default: 'redis://127.0.0.1:6379', doc: 'Redis (events, caches, limits)', group: 'core' }),
  CPU_PROFILE_DIR: declare(text.optional(), {
    doc: 'when set, every process of `pnpm start` (and so of a benchmark) writes a V8 CPU profile there when it stops',
    group: 'core',
  }),

  // ---- subgraphs
  ...perSubgraph('PORT', (name, index) =>
    declare(port, { default: String(4001 + index), doc: `where ${name} listens`, group: 'subgraphs' }),
  ),
  ...perSubgraph('URL', (name) =>
    declare(url.optional(), {
      defaultText: `\`http://127.0.0.1:$${name.toUpperCase()}_PORT\``,
      doc: `where the gateway and other subgraphs reach ${name} (base URL, no path)`,
      group: 'subgraphs',
    }),
  ),

  // ---- identity
  ADMIN_EMAIL: declare(z.email().optional(), {
    defaultText: '`admin@marketplace.local` outside production',
    doc: 'the operator account ensured at start (required in production)',
    group: 'identity',
  }),
  ADMIN_PASSWORD: declare(text.optional(), {
    defaultText: '`admin-password` outside production',
    doc: 'its password (required in production)',
    group: 'identity',
  }),
  ACCESS_TOKEN_PRIVATE_JWK: declare(jwk.optional(), {
    defaultText: 'from `KEYS_FILE` outside production',
    doc: 'Ed25519 private key that users signs access tokens with (required in production)',
    group: 'identity',
  }),
  ACCESS_TOKEN_PUBLIC_JWK: declare(jwk.optional(), {
    defaultText: 'from `KEYS_FILE` outside production',
    doc: 'its public key, with which the gateway verifies access tokens (required in production)',
    group: 'identity',
  }),
  INTERNAL_PRIVATE_JWK: declare(jwk.optional(), {
    defaultText: 'from `KEYS_FILE` outside production',
    doc: 'Ed25519 private key of identity assertions and service calls (required in production)',
    group: 'identity',
  }),
  INTERNAL_PUBLIC_JWK: declare(jwk.optional(), {
    defaultText: 'from `KEYS_FILE` outside production',
    doc: 'its public key, with which every subgraph verifies them (required in production)',
    group: 'identity',
  }),
  KEYS_FILE: declare(text.optional(), {
    defaultText: '`.dev-keys.json` in the repository',
    doc: 'development keys, generated by `pnpm start` when missing; never read in production',
    group: 'identity',
  }),
  ACCESS_TOKEN_TTL_SECONDS: declare(positiveInt, { default: '900', doc: 'access token lifetime', group: 'identity' }),
  PASSWORD_HASH_COST: declare(z.enum(['production', 'test']), {
    default: 'production',
    doc: 'argon2id cost: OWASP\'s baseline, or a cheap one for tests and benchmarks that sign up thousands',
    group: 'identity',
  }),

  // ---- resilience: deadlines, breakers, health (issue 11)
  SHUTDOWN_GRACE_MS: declare(positiveInt, {
    default: '10000',
    doc: 'on SIGTERM a process turns unready and lets requests in flight finish this long, then exits',
    group: 'resilience',
  }),
  SUBGRAPH_QUERY_TIMEOUT_MS: declare(positiveInt, {
    default: '2000',
    doc: 'gateway: a query\'s fetch from one subgraph is abandoned after this (its fields null, `SERVICE_UNAVAILABLE`)',
    group: 'resilience',
  }),
  SUBGRAPH_MUTATION_TIMEOUT_MS: declare(positiveInt, {
    default: '25000',
    doc: 'gateway: the same for a mutation\'s fetch (above `CHECKOUT_SETTLE_TIMEOUT_MS`, which checkout may wait)',
    group: 'resilience',
  }),
  ...perSubgraph('QUERY_TIMEOUT_MS', (name) =>
    declare(positiveInt.optional(), {
      defaultText: '`SUBGRAPH_QUERY_TIMEOUT_MS`',
      doc: `gateway: the query fetch deadline for ${name} alone`,
      group: 'resilience',
    }),
  ),
  BREAKER_ERROR_PERCENT: declare(z.coerce.number().int().min(1).max(100), {
    default: '50',
    doc: 'a circuit (per subgraph at the gateway, per service for internal calls) opens when this share of its recent calls failed…',
    group: 'resilience',
  }),
  BREAKER_VOLUME_THRESHOLD: declare(positiveInt, {
    default: '5',
    doc: '…and at least this many calls were made in the window (10 s)',
    group: 'resilience',
  }),
  BREAKER_RESET_MS: declare(positiveInt, {
    default: '2000',
    doc: 'an open circuit lets one probe through after this; its success closes the circuit',
    group: 'resilience',
  }),
  INTERNAL_CALL_TIMEOUT_MS: declare(positiveInt, {
    default: '5000',
    doc: 'a service-to-service call (`callInternal`) is abandoned after this',
    group: 'resilience',
  }),
  REDIS_COMMAND_TIMEOUT_MS: declare(positiveInt, {
    default: '250',
    doc: 'a Redis command not answered in this time fails (commands fail at once while Redis is unreachable)',
    group: 'resilience',
  }),
  SUPERVISOR_MAX_RESTARTS: declare(positiveInt, {
    default: '5',
    doc: '`pnpm start`: a process that exits this many times within `SUPERVISOR_WINDOW_MS` is left down',
    group: 'resilience',
  }),
  SUPERVISOR_WINDOW_MS: declare(positiveInt, {
    default: '60000',
    doc: '`pnpm start`: the window of `SUPERVISOR_MAX_RESTARTS`',
    group: 'resilience',
  }),

  // ---- traffic control: cost, rate limits, trusted documents (issue 12)
  TRAFFIC_RATE_LIMIT_ANONYMOUS: declare(bucket, {
    default: '1000,50',
    doc: 'leaky bucket of each anonymous address: `<points>,<points restored per second>` (see "Traffic control")',
    group: 'traffic',
  }),
  TRAFFIC_RATE_LIMIT_USER: declare(bucket, {
    default: '1000,50',
    doc: 'leaky bucket of each signed-in shopper or store account',
    group: 'traffic',
  }),
  TRAFFIC_RATE_LIMIT_API_KEY: declare(bucket, {
    default: '2000,100',
    doc: 'leaky bucket of each seller API key',
    group: 'traffic',
  }),
  TRAFFIC_RATE_LIMIT_OPERATOR: declare(bucket, {
    default: '10000,500',
    doc: 'leaky bucket of each operator (ADMIN) account',
    group: 'traffic',
  }),
  TRAFFIC_MAX_OPERATION_COST: declare(positiveInt, {
    default: '1000',
    doc: 'calculated cost above which one operation is refused outright, whoever sends it',
    group: 'traffic',
  }),
  TRAFFIC_ASSUMED_LIST_SIZE: declare(positiveInt, {
    default: '5',
    doc: 'items assumed for a list field the schema gives no `@listSize` for',
    group: 'traffic',
  }),
  TRAFFIC_MUTATION_WEIGHT: declare(nonNegativeInt, {
    default: '10',
    doc: 'cost of a mutation field without its own `@cost`',
    group: 'traffic',
  }),
  TRAFFIC_REDIS_URL: declare(url.optional(), {
    defaultText: '`REDIS_URL`',
    doc: 'the Redis holding the rate-limit buckets, when they should not share `REDIS_URL`',
    group: 'traffic',
  }),
  TRAFFIC_REDIS_TIMEOUT_MS: declare(positiveInt, {
    default: '50',
    doc: 'a bucket update Redis has not answered by then is made in the gateway\'s memory instead',
    group: 'traffic',
  }),
  TRUSTED_PROXIES: declare(text.optional(), {
    defaultText: 'none',
    doc: 'addresses or CIDRs (comma-separated, or `loopback`, `uniquelocal`) whose `X-Forwarded-For` is believed for the client address',
    group: 'traffic',
  }),
  TRUSTED_DOCUMENTS: declare(z.enum(['off', 'allow', 'enforce']).optional(), {
    defaultText: '`allow` (`enforce` in production)',
    doc: '`off`: text only; `allow`: known document ids and any text (plus automatic persisted queries outside production); `enforce`: anonymous and shopper traffic only by known document',
    group: 'traffic',
  }),
  INTROSPECTION: declare(z.enum(['open', 'keys-and-operators', 'closed']).optional(), {
    defaultText: '`open` (`keys-and-operators` in production)',
    doc: 'who may introspect the schema',
    group: 'traffic',
  }),
  SUBSCRIPTIONS_PER_CONNECTION: declare(positiveInt, {
    default: '50',
    doc: 'active subscriptions one WebSocket connection may hold',
    group: 'traffic',
  }),
  CONNECTIONS_PER_CLIENT: declare(positiveInt, {
    default: '20',
    doc: 'WebSocket connections one client (key, user or address) may hold on one gateway process',
    group: 'traffic',
  }),
  SUBGRAPH_FETCH_DEDUP: declare(z.enum(['on', 'off']), {
    default: 'on',
    doc: 'gateway: a query\'s subgraph fetch identical to one in flight (same query, variables and caller) waits for that one\'s answer instead of sending its own',
    group: 'traffic',
  }),

  // ---- telemetry: metrics, traces (issue 13)
  OTEL_EXPORTER_OTLP_ENDPOINT: declare(url.optional(), {
    doc: 'an OTLP/HTTP collector (traces go to `<endpoint>/v1/traces`, as JSON). Unset: no tracing at all, and no cost',
    group: 'telemetry',
  }),
  OTEL_SERVICE_NAME: declare(text.optional(), {
    defaultText: '`SERVICE_NAME`',
    doc: 'the `service.name` of this process\'s spans',
    group: 'telemetry',
  }),
  OTEL_TRACES_SAMPLER: declare(z.enum(['parentbased_traceidratio', 'traceidratio', 'parentbased_always_on', 'always_on', 'always_off']), {
    default: 'parentbased_traceidratio',
    doc: 'which traces are kept: a ratio of new traces (`OTEL_TRACES_SAMPLER_ARG`), and with `parentbased_` whatever the caller\'s `traceparent` decided',
    group: 'telemetry',
  }),
  OTEL_TRACES_SAMPLER_ARG: declare(z.coerce.number().min(0).max(1), {
    default: '1',
    doc: 'the ratio of new traces kept (0 to 1)',
    group: 'telemetry',
  }),
  OTEL_BSP_SCHEDULE_DELAY: declare(positiveInt, {
    default: '5000',
    doc: 'milliseconds between two exports of finished spans',
    group: 'telemetry',
  }),

  // ---- checkout
  CHECKOUT_SETTLE_TIMEOUT_MS: declare(positiveInt, {
    default: '20000',
    doc: 'how long `checkout` waits for its saga before answering `CHECKOUT_IN_PROGRESS`',
    group: 'checkout',
  }),
  CHECKOUT_STALE_AFTER_MS: declare(positiveInt, {
    default: '30000',
    doc: 'a checkout untouched this long is taken over by recovery',
    group: 'checkout',
  }),
  CHECKOUT_RECOVERY_INTERVAL_MS: declare(positiveInt, {
    default: '10000',
    doc: 'how often each orders instance looks for stale checkouts',
    group: 'checkout',
  }),
  CHECKOUT_FAILPOINT: declare(z.enum(['after-reserve']).optional(), {
    doc: 'tests only: kill the orders process at this saga step',
    group: 'checkout',
  }),
  RESERVATION_SWEEP_INTERVAL_MS: declare(positiveInt, {
    default: '5000',
    doc: 'how often inventory releases expired stock reservations',
    group: 'checkout',
  }),

  // ---- payments
  PAYMENT_PROVIDER_LATENCY_MS: declare(nonNegativeInt, {
    default: '0',
    doc: 'simulated provider: added latency per call',
    group: 'payments',
  }),
  PAYMENT_PROVIDER_TIMEOUT_MS: declare(positiveInt, {
    default: '3000',
    doc: 'a provider call past this counts as a failure (circuit breaker)',
    group: 'payments',
  }),
  PAYMENT_PROVIDER_REDIS_URL: declare(url.optional(), {
    defaultText: '`REDIS_URL`',
    doc: 'simulated provider: where it keeps its ledger (it stands for an external service, apart from our Redis)',
    group: 'payments',
  }),
  FRAUD_MAX_AMOUNT: declare(positiveInt, {
    default: '5000000',
    doc: 'largest amount authorized in one payment, in minor units',
    group: 'payments',
  }),
  FRAUD_MAX_ORDERS_PER_10_MIN: declare(positiveInt, {
    default: '20',
    doc: 'authorizations one customer may make in 10 minutes',
    group: 'payments',
  }),

  // ---- notifications (issue 15)
  SMTP_URL: declare(z.url().optional(), {
    doc: 'where notifications sends email (`smtp://user:pass@host:587`, `smtps://…`); unset: messages are written as `.eml` files to `MAIL_DROP_DIR` and logged',
    group: 'notifications',
  }),
  MAIL_DROP_DIR: declare(text.optional(), {
    defaultText: '`.mail/` in the repository',
    doc: 'without `SMTP_URL`: the folder the messages are written to',
    group: 'notifications',
  }),
  MAIL_FROM: declare(text, {
    default: 'Marketplace <no-reply@marketplace.local>',
    doc: 'the sender of every notification',
    group: 'notifications',
  }),
  NOTIFICATION_LINK_BASE_URL: declare(url, {
    default: 'http://localhost:3000',
    doc: 'the storefront the links in messages point to (`/orders/<id>`, `/account/notifications`)',
    group: 'notifications',
  }),
  NOTIFICATION_MAX_ATTEMPTS: declare(positiveInt, {
    default: '6',
    doc: 'sends tried before a notification is parked in the dead-letter table',
    group: 'notifications',
  }),
  NOTIFICATION_RETRY_BASE_MS: declare(positiveInt, {
    default: '2000',
    doc: 'wait before the first retry; doubled at every further one (with jitter)',
    group: 'notifications',
  }),
  NOTIFICATION_DELIVERY: declare(z.enum(['on', 'off']), {
    default: 'on',
    doc: '`off`: notifications are decided and recorded but this instance sends none (to pause sending; the test suite sends only from the test of delivery)',
    group: 'notifications',
  }),
  NOTIFICATION_SEND_CONCURRENCY: declare(positiveInt, {
    default: '4',
    doc: 'messages one notifications instance hands to SMTP at a time',
    group: 'notifications',
  }),
  BENCH_ORDER_RATE: declare(positiveInt, { default: '5', doc: '`bench:notifications`: orders placed per second', group: 'tools' }),
  BENCH_ORDERS: declare(positiveInt, { default: '100', doc: '`bench:notifications`: orders measured', group: 'tools' }),

  // ---- web: the storefront client (issue 16)
  WEB_DIST_DIR: declare(text.optional(), {
    defaultText: '`web/dist` in the repository',
    doc: 'the built storefront (`pnpm --filter web build`), which the gateway serves at `/` when it exists',
    group: 'web',
  }),
  WEB_DEV_PORT: declare(port, {
    default: '5173',
    doc: '`pnpm dev:web`: where Vite\'s dev server listens (it forwards `/graphql` to the gateway at `PORT`)',
    group: 'web',
  }),

  // ---- deploy: the container image (issue 14)
  SERVICE: declare(text.optional(), {
    doc: 'the container image: which process it runs (`gateway`, a subgraph\'s name, `migrate` or `seed`; `scripts/serve.ts`)',
    group: 'deploy',
  }),
  SINGLE_PROCESS_WORKERS: declare(positiveInt, {
    default: '1',
    doc: '`pnpm start:single`: copies of the one-process graph sharing its ports (node:cluster), at most one per core; each opens its own Postgres pools, of `DB_POOL_SIZE` ÷ copies connections per subgraph unless `DB_POOL_SIZE` is set',
    group: 'deploy',
  }),
  LISTEN_HOST: declare(text, {
    default: '127.0.0.1',
    doc: 'the address every server binds; the image sets `0.0.0.0` so other containers reach it',
    group: 'deploy',
  }),

  // ---- tools: seed, tests, benchmarks
  SEED_PRODUCTS: declare(positiveInt, { default: '1000', doc: '`pnpm seed`: products to create', group: 'tools' }),
  CONTRACT_DIR: declare(text.optional(), {
    defaultText: '`../shared/contract`',
    doc: 'the client contract\'s operations, checked by the tests',
    group: 'tools',
  }),
  TEST_DATABASE_URL: declare(url, {
    default: 'postgres://postgres@127.0.0.1:5432/ecommerce_test',
    doc: 'the tests\' database (its name must end in `_test`; recreated per run)',
    group: 'tools',
  }),
  BENCH_DATABASE_URL: declare(url, {
    default: 'postgres://postgres@127.0.0.1:5432/ecommerce_bench',
    doc: 'the benchmarks\' database (recreated per run)',
    group: 'tools',
  }),
  BENCH_BASE_PORT: declare(port, {
    default: '4400',
    doc: 'benchmarks: the gateway\'s port; the subgraphs take the ports after it',
    group: 'tools',
  }),
  BENCH_WRITE_RESULTS: declare(z.enum(['0', '1']), {
    default: '1',
    doc: 'benchmarks: `0` prints figures without appending them to `bench/results/`',
    group: 'tools',
  }),
  BENCH_PRODUCTS: declare(positiveInt, { default: '100000', doc: '`bench:search`: products seeded', group: 'tools' }),
  BENCH_REQUESTS: declare(positiveInt, { default: '2000', doc: '`bench:search`, `bench:traffic`: requests per phase; `bench:telemetry`: searches per run', group: 'tools' }),
  BENCH_CONCURRENCY: declare(positiveInt.optional(), {
    defaultText: '20 (`bench:search`), 50 (`bench:checkout`), 10 (`bench:telemetry`)',
    doc: 'benchmarks: concurrent clients',
    group: 'tools',
  }),
  BENCH_STEADY_RATE: declare(positiveInt, { default: '200', doc: '`bench:search`: searches per second in the steady phase', group: 'tools' }),
  BENCH_SUBSCRIBERS: declare(positiveInt, { default: '10000', doc: '`bench:subscriptions`: subscribers', group: 'tools' }),
  BENCH_ROUNDS: declare(positiveInt, { default: '5', doc: '`bench:subscriptions`: measured changes', group: 'tools' }),
  BENCH_WARMUP_ROUNDS: declare(nonNegativeInt, { default: '1', doc: '`bench:subscriptions`: changes before measuring', group: 'tools' }),
  BENCH_CONTENDERS: declare(positiveInt, { default: '1000', doc: '`bench:checkout`: buyers contending for the scarce units', group: 'tools' }),
  BENCH_UNITS: declare(positiveInt, { default: '100', doc: '`bench:checkout`: units they contend for', group: 'tools' }),
  BENCH_UNCONTENDED: declare(positiveInt, { default: '500', doc: '`bench:checkout`: checkouts without contention; `bench:telemetry`: checkouts per run', group: 'tools' }),
  BENCH_CHECKOUTS: declare(positiveInt, { default: '20', doc: '`bench:checkout-cost`: checkouts counted', group: 'tools' }),
  BENCH_GATEWAY_ROUNDS: declare(positiveInt, { default: '4', doc: '`bench:gateway`: rounds, each gateway in turn', group: 'tools' }),
  BENCH_GATEWAY_SECONDS: declare(positiveInt, { default: '5', doc: '`bench:gateway`: seconds of load per gateway per round', group: 'tools' }),
  BENCH_TOPOLOGY: declare(z.enum(['processes', 'single']), {
    default: 'processes',
    doc: 'benchmarks: the graph as seven processes (`pnpm start`) or as one (`pnpm start:single`)',
    group: 'tools',
  }),
  BENCH_GRAPH_DIR: declare(text.optional(), {
    defaultText: 'this checkout',
    doc: 'benchmarks: run the graph of another checkout of the project (e.g. a `git worktree` of an earlier commit), to measure before and after on one machine; seven processes only',
    group: 'tools',
  }),
  BENCH_GATEWAY_PEERS: declare(z.enum(['0', '1']), {
    default: '1',
    doc: '`bench:gateway`: `0` measures our gateway alone, without Hive Gateway beside it',
    group: 'tools',
  }),
} satisfies Record<string, Declaration<unknown>>;

export type SettingName = keyof typeof SETTINGS;
export type SettingValue<K extends SettingName> = z.output<(typeof SETTINGS)[K]['schema']>;

/** A bad environment: every variable that failed, with why. */
export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SettingsError';
  }
}

const parsed = new Map<string, { raw: string | undefined; value: unknown }>();

function parse<K extends SettingName>(name: K, raw: string | undefined): SettingValue<K> {
  const declaration: Declaration<unknown> = SETTINGS[name];
  // An empty variable counts as unset, as shells and compose files write them.
  const input = raw === undefined || raw === '' ? declaration.default : raw;
  const result = declaration.schema.safeParse(input);
  if (!result.success) {
    throw new SettingsError([`${name}=${JSON.stringify(raw)}: ${result.error.issues.map((i) => i.message).join('; ')}`]);
  }
  return result.data as SettingValue<K>;
}

/** The typed value of one setting, from the environment as it is now. */
export function setting<K extends SettingName>(name: K): SettingValue<K> {
  const raw = process.env[name];
  const cached = parsed.get(name);
  if (cached && cached.raw === raw) return cached.value as SettingValue<K>;
  const value = parse(name, raw);
  parsed.set(name, { raw, value });
  return value;
}

export const isProduction = (): boolean => setting('NODE_ENV') === 'production';

/** Settings production cannot start without (development has defaults for them). */
const REQUIRED_IN_PRODUCTION: SettingName[] = [
  'ADMIN_EMAIL',
  'ADMIN_PASSWORD',
  'ACCESS_TOKEN_PUBLIC_JWK',
  'INTERNAL_PRIVATE_JWK',
  'INTERNAL_PUBLIC_JWK',
];

/**
 * Checks every declared variable at once; throws a SettingsError naming each bad one. Production
 * also needs the secrets development generates (`needs` adds a process's own, such as the access
 * token's private key for users).
 */
export function validateSettings(env: NodeJS.ProcessEnv = process.env, needs: SettingName[] = []): void {
  const problems: string[] = [];
  for (const name of Object.keys(SETTINGS) as SettingName[]) {
    try {
      parse(name, env[name]);
    } catch (err) {
      problems.push(...(err as SettingsError).problems);
    }
  }
  if (env.NODE_ENV === 'production') {
    for (const name of [...REQUIRED_IN_PRODUCTION, ...needs]) {
      if (!env[name]) problems.push(`${name} is required in production`);
    }
  }
  if (problems.length) throw new SettingsError(problems);
}

/**
 * For entry points: validates, and on a bad value prints the message (no stack: it is the
 * operator's input that is wrong, not the code) and exits with status 78 (EX_CONFIG).
 */
export function validateSettingsOrExit(needs: SettingName[] = []): void {
  try {
    validateSettings(process.env, needs);
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(78);
  }
}

/** The README's table of variables, group by group, rendered from the declarations. */
export function renderSettingsTable(): string {
  const titles: Record<SettingGroup, string> = {
    core: 'Every process',
    subgraphs: 'Where the subgraphs are',
    identity: 'Identity and keys',
    resilience: 'Deadlines, breakers and health',
    traffic: 'Traffic control',
    telemetry: 'Telemetry',
    checkout: 'Checkout and stock',
    payments: 'Payments',
    notifications: 'Notifications',
    web: 'Storefront client',
    deploy: 'Container image',
    tools: 'Seed, tests and benchmarks',
  };
  const rows = (group: SettingGroup) =>
    (Object.entries(SETTINGS) as [SettingName, Declaration<unknown>][])
      .filter(([, d]) => d.group === group)
      .map(([name, d]) => {
        const def = d.defaultText ?? (d.default === undefined ? 'unset' : `\`${d.default}\``);
        return `| \`${name}\` | ${def} | ${d.doc} |`;
      });
  return (Object.keys(titles) as SettingGroup[])
    .filter((group) => rows(group).length > 0)
    .map((group) => [`**${titles[group]}**`, '', '| variable | default | meaning |', '| --- | --- | --- |', ...rows(group)].join('\n'))
    .join('\n\n');
}
