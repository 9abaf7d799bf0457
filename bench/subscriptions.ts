/**
 * `pnpm bench:subscriptions` — fan-out of one stock change to many subscribers of one gateway.
 * The graph runs as its seven processes (bench/support.ts); this process holds SUBSCRIBERS
 * graphql-ws connections, each subscribed to the contract's `WatchStock` on the same product, then
 * changes that product's stock ROUNDS times through the gateway. For each change it measures, per
 * subscriber, the time from sending `setStock` to receiving the completed event (which crosses
 * inventory -> outbox -> Redis -> inventory's live stream -> gateway -> products for `rest` ->
 * every client). Reports p50/p95/p99, the gateway's resident memory before and with the
 * subscribers, and the gateway's count of upstream sources. Appends to bench/results/subscriptions.md.
 * Linux only (reads the gateway's memory with `ps`).
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import WebSocket from 'ws';
import { setting } from '@marketplace/runtime';
import { op } from '../scripts/contract';
import { benchStore, graphProcessPid, percentile, pool, processCpuSeconds, startGraph } from './support';

const SUBSCRIBERS = setting('BENCH_SUBSCRIBERS');
const ROUNDS = setting('BENCH_ROUNDS');
/** Changes sent first and left out of the figures (the gateway's first fan-out runs cold code). */
const WARMUP_ROUNDS = setting('BENCH_WARMUP_ROUNDS');

interface Health {
  subscriptions: { clients: number; upstreamSources: number };
}

/**
 * One subscriber speaking graphql-transport-ws with as little work per message as possible, so that
 * 10,000 of them in this process measure the gateway rather than the client library.
 */
function subscribeRaw(url: string, payload: object, onNext: (message: string) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    socket.on('error', reject);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    socket.on('message', (data) => {
      const message = data.toString();
      if (message.includes('"type":"connection_ack"')) {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload }));
        resolve(socket);
      } else if (message.includes('"type":"next"')) onNext(message);
    });
  });
}

const rssMiB = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024);
/** CPU time (user + system) the process has used, in ms. */
const cpuMs = (pid: number) => processCpuSeconds(pid) * 1000;

async function main() {
  const loadBefore = loadavg()[0]!.toFixed(1);
  const graph = await startGraph({ PASSWORD_HASH_COST: 'test', LOG_LEVEL: 'error' });
  const base = graph.url.replace(/\/graphql$/, '');
  const health = async () => (await (await fetch(`${base}/health`)).json()) as Health;
  const sockets: WebSocket[] = [];
  try {
    const store = await benchStore(graph);
    const { productId, variantId } = await store.newVariant(1000, 'Watched item');
    const setStock = (onHand: number) => store.setStock(variantId, onHand);
    const gateway = graphProcessPid(graph, 'gateway/src/main.ts');
    const rssBefore = rssMiB(gateway);

    // Per round, when each subscriber received its event (ms, performance.now()).
    const received: number[][] = Array.from({ length: WARMUP_ROUNDS + ROUNDS }, () => []);
    let round = -1;
    let errors = 0;
    console.log(`opening ${SUBSCRIBERS} subscriptions…`);
    const wsUrl = graph.url.replace(/^http/, 'ws');
    await pool(Array.from({ length: SUBSCRIBERS }), 200, async () => {
      sockets.push(
        await subscribeRaw(wsUrl, { query: op('WatchStock'), variables: { productId: productId } }, (message) => {
          if (message.includes('"errors"')) errors++;
          else if (round >= 0) received[round]!.push(performance.now());
        }),
      );
    });
    for (let waited = 0; (await health()).subscriptions.clients < SUBSCRIBERS; waited += 200) {
      if (waited > 60_000) throw new Error('subscriptions were not all registered');
      await new Promise((r) => setTimeout(r, 200));
    }
    const { subscriptions } = await health();
    const rssWith = rssMiB(gateway);
    console.log(`${subscriptions.clients} subscribers on ${subscriptions.upstreamSources} upstream source(s); gateway RSS ${rssBefore} → ${rssWith} MiB`);

    const latencies: number[] = [];
    const mutationMs: number[] = [];
    const firsts: number[] = [];
    const gatewayCpu: number[] = [];
    /** From the moment `setStock` answered, i.e. the change was committed. */
    const sinceCommit: number[] = [];
    for (round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
      await new Promise((r) => setTimeout(r, 500));
      const cpuBefore = cpuMs(gateway);
      const sentAt = performance.now();
      await setStock(900 - round);
      const committedAt = performance.now();
      for (let waited = 0; received[round]!.length < SUBSCRIBERS; waited += 10) {
        if (waited > 30_000) throw new Error(`round ${round}: only ${received[round]!.length} of ${SUBSCRIBERS} events arrived`);
        await new Promise((r) => setTimeout(r, 10));
      }
      const cpu = cpuMs(gateway) - cpuBefore;
      const times = received[round]!.map((t) => t - sentAt);
      const summary = `first event after ${Math.min(...times).toFixed(0)} ms, all ${times.length} within ${Math.max(...times).toFixed(0)} ms; gateway CPU ${cpu} ms`;
      if (round < WARMUP_ROUNDS) {
        console.log(`warm-up: ${summary}`);
        continue;
      }
      gatewayCpu.push(cpu);
      mutationMs.push(committedAt - sentAt);
      sinceCommit.push(...received[round]!.map((t) => t - committedAt));
      latencies.push(...times);
      firsts.push(Math.min(...times));
      console.log(`round ${round + 1 - WARMUP_ROUNDS}: ${summary}`);
    }
    latencies.sort((a, b) => a - b);
    mutationMs.sort((a, b) => a - b);
    firsts.sort((a, b) => a - b);
    sinceCommit.sort((a, b) => a - b);
    const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(latencies, p).toFixed(0));
    const report = [
      `## ${new Date().toISOString()} — ${cpus().length} CPUs, 1-minute load average ${loadBefore} before the run`,
      '',
      `${SUBSCRIBERS} graphql-ws subscribers of \`WatchStock\` (one product) on one gateway process, ${ROUNDS} stock changes (after ${WARMUP_ROUNDS} left out to warm up), each fanned out to all. The subscribers run in the benchmark's process on the same machine (raw graphql-transport-ws over \`ws\`, so that their own work stays small).`,
      '',
      '| measure | value |',
      '| --- | --- |',
      `| upstream sources at the gateway | ${subscriptions.upstreamSources} |`,
      `| event latency from sending \`setStock\` to each client, p50 / p95 / p99 | ${p50} / ${p95} / ${p99} ms |`,
      `| the same from \`setStock\`'s answer (the change committed), p50 / p95 / p99 | ${[50, 95, 99].map((p) => percentile(sinceCommit, p).toFixed(0)).join(' / ')} ms |`,
      `| the same to the first client to hear of it (the pipeline without the fan-out), median | ${percentile(firsts, 50).toFixed(0)} ms |`,
      `| \`setStock\` response time alone, median | ${percentile(mutationMs, 50).toFixed(0)} ms |`,
      `| gateway CPU time per change (completing it once, sending it ${SUBSCRIBERS} times), median | ${percentile(gatewayCpu.sort((a, b) => a - b), 50).toFixed(0)} ms |`,
      `| gateway RSS before / with the subscribers | ${rssBefore} / ${rssWith} MiB |`,
      `| events with errors | ${errors} |`,
      '',
    ].join('\n');
    console.log(report);
    appendFileSync(new URL('./results/subscriptions.md', import.meta.url), `${report}\n`);
  } finally {
    sockets.forEach((socket) => socket.terminate());
    await graph.stop();
  }
}

await main();
process.exit(0);
