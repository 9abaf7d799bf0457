/**
 * Distributed traces with the OpenTelemetry SDK, exported over OTLP/HTTP (JSON) when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` is set. Unset, nothing is registered: the API's tracer is a no-op,
 * and our own span points (SQL, Redis, incoming requests) test one boolean and go on.
 *
 * What makes one trace of a client operation:
 * - `tracedListener`: a SERVER span per incoming request, continuing the caller's W3C `traceparent`
 *   (subgraphs) or starting a trace (the gateway, which trusts no client's sampling decision);
 * - @apollo/gateway's own spans (`gateway.request`, `gateway.plan`, `gateway.fetch` per query plan
 *   fetch), which it creates through the global API once a tracer provider is registered;
 * - undici's diagnostics channels (@opentelemetry/instrumentation-undici): a CLIENT span per
 *   subgraph fetch and `callInternal`, carrying `traceparent` to the next process;
 * - SQL statements (db.ts) and Redis commands (below): the postgres driver has no instrumentation,
 *   and ioredis' instrumentation hooks `require`, which our ESM processes never call for it.
 */
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Link, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import type { RequestListener } from 'node:http';
import { Redis } from 'ioredis';
import { setting } from '../settings';

export const tracer = trace.getTracer('@marketplace/runtime');

let provider: TracerProvider | null = null;

/** True once `startTracing` registered an exporter: span points check this before doing anything. */
export const tracingEnabled = (): boolean => provider !== null;

function samplerFromSettings(): Sampler {
  const ratio = setting('OTEL_TRACES_SAMPLER_ARG');
  switch (setting('OTEL_TRACES_SAMPLER')) {
    case 'always_off':
      return new AlwaysOffSampler();
    case 'always_on':
      return new AlwaysOnSampler();
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}

/**
 * Starts tracing for this process when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (or an exporter is
 * given: tests). Once per process; entry points call it before serving. `shutdown` exports what
 * is left.
 */
export function startTracing(opts: { exporter?: SpanExporter; serviceName?: string } = {}): { shutdown(): Promise<void> } {
  const endpoint = setting('OTEL_EXPORTER_OTLP_ENDPOINT');
  if (provider) return { shutdown: () => shutdownTracing() };
  if (!endpoint && !opts.exporter) return { shutdown: async () => {} };
  const exporter = opts.exporter ?? new OTLPTraceExporter({ url: `${endpoint!.replace(/\/$/, '')}/v1/traces` });
  provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': opts.serviceName ?? setting('OTEL_SERVICE_NAME') ?? setting('SERVICE_NAME') }),
    sampler: samplerFromSettings(),
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: setting('OTEL_BSP_SCHEDULE_DELAY') })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  registerInstrumentations({
    tracerProvider: provider,
    // Outside a trace (a background sweep) a call starts none: only requests make traces.
    instrumentations: [new UndiciInstrumentation({ requireParentforSpans: true })],
  });
  traceRedisCommands();
  return { shutdown: () => shutdownTracing() };
}

/** Exports what is left; processes call it as they stop. */
export async function shutdownTracing(): Promise<void> {
  await provider?.shutdown();
}

/** Exports the spans finished so far (tests, before looking at the collector). */
export async function flushTraces(): Promise<void> {
  await provider?.forceFlush();
}

/** Paths that are no request of a client: scrapes and probes would only bury the traces. */
const UNTRACED = /^\/(metrics|health)/;

/**
 * A node:http request listener with a SERVER span per request, active while it is handled (its
 * body read included: the request and response emitters are bound to it). It wraps the whole
 * listener, not an Express middleware, because subgraphs answer `POST /graphql` ahead of Express
 * (graphql-http.ts). `trustCaller`: continue the caller's `traceparent` (our own processes)
 * rather than start a trace (the public gateway).
 */
export function tracedListener(listener: RequestListener, opts: { trustCaller: boolean }): RequestListener {
  return (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0]!;
    if (!provider || UNTRACED.test(path)) return void listener(req, res);
    const parent = opts.trustCaller ? propagation.extract(ROOT_CONTEXT, req.headers) : ROOT_CONTEXT;
    // Routes are few and fixed (`/graphql`, `/internal/<operation>`): a bounded span name.
    const span = tracer.startSpan(
      `${req.method} ${path}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': path } },
      parent,
    );
    const active = trace.setSpan(parent, span);
    context.bind(active, req);
    context.bind(active, res);
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(active, () => listener(req, res));
  };
}

/** The span of the request being handled, if it is traced. */
export const activeSpan = (): Span | undefined => (provider ? trace.getActiveSpan() : undefined);

/** `trace_id` and `span_id` for a log line written inside a traced request (pino's mixin). */
export function traceFields(): { trace_id?: string; span_id?: string } {
  const span = activeSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

/** The active trace as a W3C `traceparent`, for work that another process picks up later (events). */
export function currentTraceparent(): string | undefined {
  if (!activeSpan()) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** A link to the trace a `traceparent` names (an event's cause), or nothing when it names none. */
export function linkTo(traceparent: string | undefined): Link | undefined {
  if (!traceparent || !provider) return undefined;
  const spanContext = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, { traceparent }));
  return spanContext ? { context: spanContext } : undefined;
}

/**
 * Runs `work` in a new span (ended when it settles, marked as an error when it throws); without
 * tracing, just runs it. `root`: a span of its own trace (a batch of events), linked to its causes.
 */
export async function inSpan<T>(
  name: string,
  opts: { kind?: SpanKind; attributes?: Record<string, string | number | boolean>; links?: Link[]; root?: boolean },
  work: (span?: Span) => Promise<T>,
): Promise<T> {
  if (!provider) return work();
  const parent: Context = opts.root ? ROOT_CONTEXT : context.active();
  return tracer.startActiveSpan(name, { kind: opts.kind ?? SpanKind.INTERNAL, attributes: opts.attributes, links: opts.links }, parent, async (span) => {
    try {
      return await work(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * A CLIENT span per Redis command sent inside a trace (never for a blocking read of a background
 * consumer, which has no trace around it). The command name only: keys and values are data.
 */
let redisTraced = false;
function traceRedisCommands(): void {
  if (redisTraced) return;
  redisTraced = true;
  type Command = { name: string; promise: Promise<unknown> };
  const proto = Redis.prototype as unknown as { sendCommand(command: Command, stream?: unknown): unknown };
  const send = proto.sendCommand;
  proto.sendCommand = function (this: Redis, command: Command, stream?: unknown) {
    if (!trace.getActiveSpan()) return send.call(this, command, stream);
    const span = tracer.startSpan(`redis ${command.name}`, {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': 'redis', 'db.operation.name': command.name },
    });
    const result = send.call(this, command, stream);
    command.promise.then(
      () => span.end(),
      (err: Error) => {
        span.recordException(err);
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      },
    );
    return result;
  };
}
