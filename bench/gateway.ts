/**
 * `pnpm bench:gateway` — our gateway against a peer, Hive Gateway, on the same running subgraphs
 * and the same supergraph: Hive's JavaScript runtime and its Rust query planner runtime
 * (`@graphql-hive/router-runtime`), each a process of its own beside ours. Rounds alternate the
 * gateways (ours, Hive JS, Hive Rust, ours, …) so that what else the shared machine runs weighs on
 * all of them alike; the ratios between them are what a run says.
 *
 * Two operations of the contract, each with BENCH_CONCURRENCY (default 20) clients:
 *  - `ProductPage`, anonymous (never response-cached: it selects stock);
 *  - `Cart`, signed in. Ours authenticates the bearer token and signs the identity for the
 *    subgraphs; Hive is given the signed identity by the client and forwards that header (it has
 *    no notion of our tokens), so it skips a step ours takes (cached per token, see context.ts).
 *
 * Per gateway and operation: requests/s, p50/p99 latency, the gateway's CPU per request and RSS,
 * and the whole graph's CPU per request by process (gateway, each subgraph, Postgres backends;
 * the client apart). Appended to bench/results/gateway.md. BENCH_TOPOLOGY=single runs ours as
 * one process (`pnpm start:single`, `SINGLE_PROCESS_WORKERS` copies of it) instead of seven.
 *
 * Requests in flight at once differ (100 products, a buyer per client): Hive and ours
 * (SUBGRAPH_FETCH_DEDUP) deduplicate identical subgraph fetches in flight, which would otherwise
 * let them answer 20 identical Carts with one fetch per subgraph. Fetches that coincide for
 * different pages (the same store) they still share, as they would in production.
 */
import { authenticate } from '../gateway/src/authenticate';
import { generateKeyEnv, IDENTITY_HEADER, REPO_ROOT, setting, signIdentityAssertion, SUBGRAPHS } from '@marketplace/runtime';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { op } from '../scripts/contract';
import { benchStore, graphProcessPid, graphTopology, percentile, pool, processCpuSeconds, processGroup, startGraph, type RunningGraph } from './support';

const ROUNDS = setting('BENCH_GATEWAY_ROUNDS');
const SECONDS = setting('BENCH_GATEWAY_SECONDS');
const CONCURRENCY = setting('BENCH_CONCURRENCY') ?? 20;
const WITH_PEERS = setting('BENCH_GATEWAY_PEERS') === '1';
const BASE_PORT = setting('BENCH_BASE_PORT');
/** Hive Gateway's ports: outside the graph's seven (BENCH_BASE_PORT + 20, + 21). */
const PEER_PORT = BASE_PORT + 20;

interface Gateway {
  name: string;
  /** The gateway's process group (one process for ours and for Hive with `--fork 1`). */
  pids: () => number[];
  client: Pool;
  /** Headers that make a request signed in as one of the bench's buyers. */
  signedIn: (buyer: number) => Promise<Record<string, string>>;
  stop?: () => Promise<void>;
  ours?: boolean;
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

function rssMegabytes(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kb / 1024;
}

/** Hive Gateway on the supergraph, its subgraph URLs pointed at the running graph's ports. */
async function startHive(name: string, port: number, graphEnv: Record<string, string>, rustRuntime: boolean): Promise<{ child: ChildProcess; url: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-hive-'));
  // The supergraph of the graph running (BENCH_GRAPH_DIR's, when measuring an earlier commit).
  let supergraph = readFileSync(join(setting('BENCH_GRAPH_DIR') ?? REPO_ROOT, 'schema', 'supergraph.graphql'), 'utf8');
  for (const { name: subgraph } of SUBGRAPHS) {
    supergraph = supergraph.replace(
      new RegExp(`(@join__graph\\(name: "${subgraph}", url: ")[^"]+(")`),
      `$1${graphEnv[`${subgraph.toUpperCase()}_URL`]}/graphql$2`,
    );
  }
  writeFileSync(join(dir, 'supergraph.graphql'), supergraph);
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'node_modules', '@graphql-hive', 'gateway', 'dist', 'bin.js'),
      'supergraph',
      join(dir, 'supergraph.graphql'),
      '--config-path',
      join(REPO_ROOT, 'bench', 'hive-gateway.config.ts'),
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--fork',
      '1',
      ...(rustRuntime ? ['--hive-router-runtime'] : []),
    ],
    { cwd: dir, env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'], detached: true },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let waited = 0; ; waited += 250) {
    if (child.exitCode !== null) throw new Error(`${name} exited while starting`);
    if (waited > 60_000) throw new Error(`${name} did not start`);
    const ok = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{__typename}"}' }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return { child, url };
}

interface Sample {
  requests: number;
  errors: number;
  firstError?: string;
  seconds: number;
  latencies: number[];
  cpu: Map<string, number>;
  rss: number;
}

/** CONCURRENCY clients sending `operation` for SECONDS; CPU by process around it. */
async function measure(graph: RunningGraph, gateway: Gateway, operation: string, variables: () => Record<string, unknown>): Promise<Sample> {
  const document = op(operation);
  const sample: Sample = { requests: 0, errors: 0, seconds: 0, latencies: [], cpu: new Map(), rss: 0 };
  const gatewayCpu = () => gateway.pids().reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
  const clientCpu = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  };
  const before = { graph: await graph.cpuSecondsByService(), gateway: gatewayCpu(), client: clientCpu() };
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, client) => {
      // Each client its own buyer: identical requests in flight at once would let a gateway that
      // deduplicates subgraph fetches (Hive and ours do) answer several with one.
      const headers = { 'content-type': 'application/json', ...(operation === 'Cart' ? await gateway.signedIn(client) : {}) };
      while (performance.now() < deadline) {
        const t = performance.now();
        const res = await gateway.client.request({ path: '/graphql', method: 'POST', headers, body: JSON.stringify({ query: document, variables: variables() }) });
        const body = (await res.body.json()) as { data?: unknown; errors?: unknown[] };
        sample.latencies.push(performance.now() - t);
        sample.requests++;
        if (res.statusCode !== 200 || body.errors?.length || !body.data) {
          sample.errors++;
          sample.firstError ??= JSON.stringify(body).slice(0, 300);
        }
      }
    }),
  );
  sample.seconds = (performance.now() - started) / 1000;
  const after = { graph: await graph.cpuSecondsByService(), gateway: gatewayCpu(), client: clientCpu() };
  for (const [service, seconds] of after.graph) {
    // Our gateway idles while a peer is measured: the gateway column is the measured one's. In
    // the single-process topology ours is the whole process, which serves a peer as `marketplace`.
    if (service === 'gateway' || service === 'start' || (service === 'marketplace' && gateway.ours)) continue;
    sample.cpu.set(service, seconds - (before.graph.get(service) ?? 0));
  }
  sample.cpu.set('gateway', after.gateway - before.gateway);
  sample.cpu.set('client', after.client - before.client);
  sample.rss = rssMegabytes(gateway.pids());
  return sample;
}

function summarise(samples: Sample[]) {
  const requests = samples.reduce((n, s) => n + s.requests, 0);
  const seconds = samples.reduce((n, s) => n + s.seconds, 0);
  const latencies = samples.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const cpu = new Map<string, number>();
  for (const s of samples) for (const [k, v] of s.cpu) cpu.set(k, (cpu.get(k) ?? 0) + v);
  const msPer = (service: string) => ((cpu.get(service) ?? 0) * 1000) / requests;
  const services = ['gateway', ...(cpu.has('marketplace') ? ['marketplace'] : SUBGRAPHS.map((s) => s.name)), 'postgres'];
  const graphMs = services.reduce((sum, s) => sum + msPer(s), 0);
  return {
    rps: requests / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    gatewayMs: msPer('gateway'),
    rss: Math.max(...samples.map((s) => s.rss)),
    graphMs,
    byProcess: services.map((s) => `${s} ${msPer(s).toFixed(2)}`).join(', '),
    clientMs: msPer('client'),
    errors: samples.reduce((n, s) => n + s.errors, 0),
    firstError: samples.find((s) => s.firstError)?.firstError,
  };
}

async function main() {
  const loadBefore = load();
  const keys = await generateKeyEnv();
  // The bench signs identities for Hive as our gateway would: it needs the same keys.
  Object.assign(process.env, keys);
  const ports: Record<string, string> = {};
  SUBGRAPHS.forEach(({ name }, i) => (ports[`${name.toUpperCase()}_URL`] = `http://127.0.0.1:${BASE_PORT + 1 + i}`));
  const graph = await startGraph({ ...keys, PASSWORD_HASH_COST: 'test' });
  const gateways: Gateway[] = [];
  try {
    console.log('seeding…');
    const { newVariant } = await benchStore(graph);
    // Many products and a buyer per client, so that concurrent requests differ.
    const products = await pool(Array.from({ length: 100 }), 4, () => newVariant(50));
    const buyers = await pool(Array.from({ length: CONCURRENCY }), 4, async (_, i) => {
      const reg = await graph.request('Register', { input: { email: `${randomUUID()}@bench.test`, password: 'bench-password', name: 'Bench' } });
      const token = reg.register.accessToken as string;
      for (const p of products.slice(i % 50, (i % 50) + 3)) await graph.request('AddToCart', { variantId: p.variantId, quantity: 1 }, token);
      return { token, identity: await authenticate(`Bearer ${token}`), assertion: '', signedAt: 0 };
    });
    const signedAssertion = async (i: number) => {
      const buyer = buyers[i % buyers.length]!;
      if (Date.now() - buyer.signedAt > 30_000) Object.assign(buyer, { assertion: await signIdentityAssertion(buyer.identity), signedAt: Date.now() });
      return { [IDENTITY_HEADER]: buyer.assertion };
    };

    const single = setting('BENCH_TOPOLOGY') === 'single';
    const oursPids = single ? processGroup(graph.pid) : [graphProcessPid(graph, 'gateway/src/main.ts')];
    gateways.push({
      name: single ? `ours, ${graphTopology()} (gateway CPU: the whole process)` : `ours (@apollo/gateway), ${graphTopology()}`,
      pids: () => oursPids,
      ours: true,
      client: new Pool(`http://127.0.0.1:${BASE_PORT}`, { connections: 64 }),
      signedIn: async (i) => ({ authorization: `Bearer ${buyers[i % buyers.length]!.token}` }),
    });
    if (WITH_PEERS) {
      for (const [name, rust, port] of [
        ['Hive Gateway (JS)', false, PEER_PORT],
        ['Hive Gateway (Rust query planner)', true, PEER_PORT + 1],
      ] as const) {
        const hive = await startHive(name, port, ports, rust);
        gateways.push({
          name,
          pids: () => processGroup(hive.child.pid!),
          client: new Pool(hive.url, { connections: 64 }),
          signedIn: signedAssertion,
          stop: async () => {
            process.kill(-hive.child.pid!, 'SIGTERM');
            await new Promise((r) => (hive.child.exitCode !== null ? r(null) : hive.child.once('exit', r)));
          },
        });
      }
    }

    let next = 0;
    const productPage = () => ({ id: products[next++ % products.length]!.productId });
    const operations = [
      { name: 'ProductPage', variables: productPage },
      { name: 'Cart', variables: () => ({}) },
    ];
    // Warm-up (plans, caches, JIT, connections), and the same answer from every gateway: a peer
    // that answered less (a field missing, an identity not forwarded) would look cheaper than it is.
    const differences: string[] = [];
    for (const o of operations) {
      const answers = new Map<string, string>();
      for (const g of gateways) {
        for (let i = 0; i < 50; i++) {
          // The first request of each gateway asks for the same product, to compare the answers.
          const variables = i === 0 && o.name === 'ProductPage' ? { id: products[0]!.productId } : o.variables();
          const res = await g.client.request({ path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', ...(o.name === 'Cart' ? await g.signedIn(i) : {}) }, body: JSON.stringify({ query: op(o.name), variables }) });
          const text = await res.body.text();
          if (i === 0) answers.set(g.name, text);
        }
      }
      const reference = answers.get(gateways[0]!.name)!;
      for (const [name, answer] of answers) {
        // `data` only: our answers also carry `extensions.cost` (traffic control), which Hive's do not.
        if (JSON.stringify(JSON.parse(answer).data) !== JSON.stringify(JSON.parse(reference).data)) differences.push(`${o.name}: ${name} answered ${answer.slice(0, 300)} where ours answered ${reference.slice(0, 300)}`);
      }
    }
    for (const d of differences) console.log(`DIFFERENT ANSWER ${d}`);

    const samples = new Map<string, Sample[]>();
    for (let round = 1; round <= ROUNDS; round++) {
      for (const o of operations) {
        for (const g of gateways) {
          const s = await measure(graph, g, o.name, o.variables);
          const key = `${o.name}\u0000${g.name}`;
          samples.set(key, [...(samples.get(key) ?? []), s]);
          console.log(`round ${round} ${o.name} ${g.name}: ${(s.requests / s.seconds).toFixed(1)} req/s, ${s.errors} errors`);
        }
      }
    }

    const lines = [
      `## ${new Date().toISOString()} — ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'}), load average ${loadBefore} before, ${load()} after`,
      `${ROUNDS} rounds × ${SECONDS} s per gateway and operation, alternating; ${CONCURRENCY} concurrent clients. CPU in ms per request.`,
      differences.length ? `Answers differ: ${differences.map((d) => d.replaceAll('\n', ' ')).join('; ')}` : 'Every gateway gave the same answers.',
    ];
    for (const o of operations) {
      lines.push('', `${o.name}:`, '', '| gateway | req/s | p50 ms | p99 ms | gateway CPU | gateway RSS MB | whole graph CPU | by process | client CPU | errors |', '|---|---|---|---|---|---|---|---|---|---|');
      for (const g of gateways) {
        const r = summarise(samples.get(`${o.name}\u0000${g.name}`)!);
        lines.push(
          `| ${g.name} | ${r.rps.toFixed(1)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.gatewayMs.toFixed(2)} | ${r.rss.toFixed(0)} | ${r.graphMs.toFixed(2)} | ${r.byProcess} | ${r.clientMs.toFixed(2)} | ${r.errors}${r.firstError ? ` (${r.firstError.replaceAll('|', '/')})` : ''} |`,
        );
      }
    }
    const report = `${lines.join('\n')}\n`;
    console.log(report);
    if (setting('BENCH_WRITE_RESULTS') === '1') appendFileSync(new URL('./results/gateway.md', import.meta.url), `${report}\n`);
  } finally {
    for (const g of gateways) {
      await g.client.close();
      await g.stop?.();
    }
    await graph.stop();
  }
}

await main();
process.exit(0);
