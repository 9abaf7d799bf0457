/**
 * A small OTLP/HTTP trace receiver (JSON encoding, as @opentelemetry/exporter-trace-otlp-http
 * sends it) for tests and benchmarks: processes started with `OTEL_EXPORTER_OTLP_ENDPOINT` at its
 * URL export their spans here, and it keeps them (or only counts them).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CollectedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, unknown>;
  links: { traceId: string; spanId: string }[];
}

export interface OtlpCollector {
  /** The value for OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  spans: CollectedSpan[];
  /** Spans received, kept or not. */
  received(): number;
  /** Resolves with the spans once `done` says they are all there (polls; throws after `timeoutMs`). */
  waitFor(done: (spans: CollectedSpan[]) => boolean, timeoutMs?: number): Promise<CollectedSpan[]>;
  stop(): Promise<void>;
}

type AnyValue = { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean };
type KeyValue = { key: string; value: AnyValue };

const valueOf = (v: AnyValue) => v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue;
const attributesOf = (list: KeyValue[] = []) => Object.fromEntries(list.map(({ key, value }) => [key, valueOf(value)]));

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startOtlpCollector(opts: { keepSpans?: boolean } = {}): Promise<OtlpCollector> {
  const keep = opts.keepSpans ?? true;
  const spans: CollectedSpan[] = [];
  let received = 0;
  const server = createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/traces') return void res.writeHead(404).end();
    const body = JSON.parse(await bodyOf(req)) as {
      resourceSpans: { resource: { attributes: KeyValue[] }; scopeSpans: { spans: any[] }[] }[];
    };
    for (const { resource, scopeSpans } of body.resourceSpans) {
      const service = String(attributesOf(resource.attributes)['service.name']);
      for (const scope of scopeSpans) {
        received += scope.spans.length;
        if (!keep) continue;
        for (const span of scope.spans) {
          spans.push({
            service,
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId || undefined,
            name: span.name,
            kind: span.kind,
            attributes: attributesOf(span.attributes),
            links: (span.links ?? []).map((l: { traceId: string; spanId: string }) => ({ traceId: l.traceId, spanId: l.spanId })),
          });
        }
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    received: () => received,
    async waitFor(done, timeoutMs = 15_000) {
      for (const deadline = Date.now() + timeoutMs; !done(spans); ) {
        if (Date.now() > deadline) throw new Error(`the expected spans did not arrive (${spans.length} collected)`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return spans;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
