/**
 * SQL statements sent through the shared database wrapper (db.ts), observed: a latency histogram
 * and the pool's busy connections for every statement, and a CLIENT span for a statement sent
 * inside a trace (the `postgres` driver has no OpenTelemetry instrumentation of its own).
 */
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Histogram } from 'prom-client';
import { dbConnectionsBusy, dbPoolSize, dbPoolWaiting, dbQueryDuration, secondsSince } from './metrics';
import { tracer, tracingEnabled } from './tracing';

export interface PoolObserver {
  name: string;
  /** Its latency histogram's series, resolved once (a statement is the hottest path there is). */
  queryDuration: { ok: Histogram.Internal<string>; error: Histogram.Internal<string> };
  /** Counts a connection busy while `work` (a transaction) runs. */
  holdingConnection<T>(work: () => Promise<T>): Promise<T>;
  acquire(): void;
  release(): void;
}

export function poolObserver(name: string, max: number): PoolObserver {
  let busy = 0;
  const busyGauge = dbConnectionsBusy.labels({ pool: name });
  const waitingGauge = dbPoolWaiting.labels({ pool: name });
  const update = () => {
    busyGauge.set(Math.min(busy, max));
    waitingGauge.set(Math.max(0, busy - max));
  };
  dbPoolSize.set({ pool: name }, max);
  update();
  const observer: PoolObserver = {
    name,
    queryDuration: { ok: dbQueryDuration.labels({ pool: name, outcome: 'ok' }), error: dbQueryDuration.labels({ pool: name, outcome: 'error' }) },
    acquire() {
      busy++;
      update();
    },
    release() {
      busy--;
      update();
    },
    async holdingConnection(work) {
      observer.acquire();
      try {
        return await work();
      } finally {
        observer.release();
      }
    },
  };
  return observer;
}

/** Statement texts longer than this are cut in spans (a batch insert's text grows with its rows). */
const MAX_STATEMENT_TEXT = 2000;

/** `SELECT`, `INSERT`, `WITH`…: the span's name, as OpenTelemetry's database conventions name it. */
const statementVerb = (text: string) => /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'SQL';

/**
 * Observes a postgres.js query (a lazy promise: it runs when awaited) without awaiting it: the
 * settle handlers are attached with Promise's own `then`, which does not start it.
 */
export function observeQuery<Q extends Promise<unknown>>(query: Q, text: string, pool: PoolObserver, holdsConnection: boolean): Q {
  const start = performance.now();
  const span =
    tracingEnabled() && trace.getActiveSpan()
      ? tracer.startSpan(`${statementVerb(text)} ${pool.name}`, {
          kind: SpanKind.CLIENT,
          attributes: {
            'db.system.name': 'postgresql',
            'db.namespace': pool.name,
            // Parameterised text: the values are data and never recorded.
            'db.query.text': text.length > MAX_STATEMENT_TEXT ? `${text.slice(0, MAX_STATEMENT_TEXT)}…` : text,
          },
        })
      : undefined;
  if (holdsConnection) pool.acquire();
  const settled = (error?: unknown) => {
    if (holdsConnection) pool.release();
    pool.queryDuration[error ? 'error' : 'ok'].observe(secondsSince(start));
    if (span) {
      if (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    }
  };
  Promise.prototype.then.call(query, () => settled(), (error: unknown) => settled(error ?? 'error'));
  return query;
}
