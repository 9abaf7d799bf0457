/**
 * `pnpm bench:notifications` — how long after a change commits its email is accepted by the mail
 * server, at a steady rate of orders, on the graph running as separate processes. A real SMTP
 * server (smtp-server) in this process receives; each message's Message-ID is its notification's
 * id, whose `occurred_at` is the commit time of the change (the outbox row's). Latency = SMTP
 * acceptance − occurred_at, for each order's confirmation (to the buyer) and "lines to ship" (to the
 * store): the path outbox → relay → Redis stream → consumer group → render → record → dispatch → SMTP.
 * Results are printed and appended to bench/results/notifications.md.
 */
import { setting } from '@marketplace/runtime';
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import postgres from 'postgres';
import { SMTPServer } from 'smtp-server';
import { BENCH_DATABASE_URL, benchStore, percentile, pool, startGraph } from './support';

const ORDERS = setting('BENCH_ORDERS');
const RATE = setting('BENCH_ORDER_RATE');
const RESULTS = new URL('./results/notifications.md', import.meta.url);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/** Acceptance time of each message, by notification id (from `<id@domain>`). */
const accepted = new Map<string, number>();
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  closeTimeout: 100,
  onData(stream, _session, callback) {
    let head = '';
    stream.on('data', (chunk: Buffer) => {
      if (head.length < 8192) head += chunk.toString('utf8');
    });
    stream.on('end', () => {
      const id = head.match(/^Message-ID:\s*<([^@>]+)@/im)?.[1];
      if (id) accepted.set(id, Date.now());
      callback();
    });
  },
});

async function main() {
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const loadBefore = load();
  const graph = await startGraph({ PASSWORD_HASH_COST: 'test', SMTP_URL: `smtp://127.0.0.1:${smtpPort}` });
  const db = postgres(BENCH_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    const { newVariant } = await benchStore(graph);
    const { variantId } = await newVariant(ORDERS * 2);
    console.log(`preparing ${ORDERS} buyers…`);
    const buyers = await pool(Array.from({ length: ORDERS }), 16, async () => {
      const reg = await graph.request('Register', { input: { email: `${randomUUID()}@bench.test`, password: 'bench-password', name: 'Bench' } });
      const token = reg.register.accessToken as string;
      const address = await graph.request(
        'AddAddress',
        { input: { fullName: 'Bench Buyer', line1: '1 Main St', city: 'New York', region: 'NY', postalCode: '10001', country: 'US' } },
        token,
      );
      await graph.request('AddToCart', { variantId, quantity: 1 }, token);
      return { token, addressId: address.addAddress.address.id as string };
    });

    console.log(`${ORDERS} orders at ${RATE}/s…`);
    const started = performance.now();
    const checkouts: Promise<unknown>[] = [];
    for (let i = 0; i < ORDERS; i++) {
      // A steady rate: order i leaves at i / RATE seconds, whatever the previous ones take.
      const due = started + (i * 1000) / RATE;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      const b = buyers[i]!;
      checkouts.push(graph.request('Checkout', { input: { idempotencyKey: randomUUID(), shippingAddressId: b.addressId, paymentToken: 'tok_visa' } }, b.token));
    }
    await Promise.all(checkouts);

    const expected = ORDERS * 2;
    for (let waited = 0; waited < 120_000; waited += 200) {
      const [{ n }] = await db<{ n: number }[]>`
        select count(*)::int as n from notifications.notifications where kind in ('ORDER_CONFIRMED', 'NEW_ORDER_LINES') and status = 'SENT'`;
      if (n >= expected) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const rows = await db<{ id: string; kind: string; occurred_ms: number; status: string }[]>`
      select id, kind, status, (extract(epoch from occurred_at) * 1000)::float8 as occurred_ms
      from notifications.notifications where kind in ('ORDER_CONFIRMED', 'NEW_ORDER_LINES')`;
    const latencies = (kind: string) =>
      rows
        .filter((r) => r.kind === kind && accepted.has(r.id))
        .map((r) => accepted.get(r.id)! - r.occurred_ms)
        .sort((a, b) => a - b);
    const figures = (kind: string) => {
      const ms = latencies(kind);
      if (ms.length === 0) return `${kind}: none received`;
      return `${kind}: ${ms.length} received; p50 ${percentile(ms, 50).toFixed(0)} ms, p95 ${percentile(ms, 95).toFixed(0)} ms, p99 ${percentile(ms, 99).toFixed(0)} ms, max ${ms.at(-1)!.toFixed(0)} ms`;
    };
    const all = [...latencies('ORDER_CONFIRMED'), ...latencies('NEW_ORDER_LINES')].sort((a, b) => a - b);
    const sentTwice = rows.length - new Set(rows.map((r) => r.id)).size;
    const report = [
      `## ${new Date().toISOString()} — ${cpus().length} cores (${cpus()[0]?.model.trim()}), load average ${loadBefore} before, ${load()} after`,
      `- ${ORDERS} orders at ${RATE}/s (${((performance.now() - started) / 1000).toFixed(1)} s); ${rows.length} notifications recorded for ${expected} expected, ${accepted.size} messages accepted by SMTP.`,
      `- Commit → SMTP acceptance, all: p50 ${percentile(all, 50).toFixed(0)} ms, p95 ${percentile(all, 95).toFixed(0)} ms, p99 ${percentile(all, 99).toFixed(0)} ms.`,
      `- ${figures('ORDER_CONFIRMED')}.`,
      `- ${figures('NEW_ORDER_LINES')}.`,
      ...(sentTwice ? [`- ${sentTwice} duplicates!`] : []),
      '',
    ].join('\n');
    console.log(report);
    if (setting('BENCH_WRITE_RESULTS') === '1') {
      if (!existsSync(RESULTS)) {
        writeFileSync(
          RESULTS,
          '# Notifications benchmark results\n\nAppended by `pnpm bench:notifications` (bench/notifications.ts): the graph as separate processes on this machine, a real SMTP server in the benchmark.\n\n',
        );
      }
      appendFileSync(RESULTS, `${report}\n`);
    }
  } finally {
    await db.end();
    await graph.stop();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  }
}

await main();
