/**
 * `pnpm bench:start`: what running TypeScript through tsx's loader costs a process of the image,
 * against compiling ahead. Each server process starts alone, from the production entry point as
 * the image runs it (`node --import tsx …`) and from an esbuild bundle of the same entry (native
 * @node-rs/argon2 left external); measured: time from spawn to a 200 on /health/ready, and the
 * process's resident memory a second later. Appends to bench/results/deploy.md.
 */
import { generateKeyEnv, recreateDatabase, REPO_ROOT, setting } from '@marketplace/runtime';
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { SERVER_PROCESSES, type ServerProcess } from '../deploy/processes';
import { migrateAll } from '../scripts/migrate';
import { BENCH_DATABASE_URL } from './support';

/** The operating system's variables a child process needs (where programs are), not settings of ours. */
const { PATH } = process.env;

const RUNS = 3;
const PORT = setting('BENCH_BASE_PORT');

/**
 * A bundle where REPO_ROOT (three folders above runtime's module) still finds the schemas and
 * migrations: three folders below the repository, inside the process's package so the one
 * external (argon2) resolves from its node_modules.
 */
function bundlePath(p: ServerProcess): string {
  return p.name === 'gateway' ? join(REPO_ROOT, 'gateway', '.bench-bundle', 'gateway', 'main.mjs') : join(REPO_ROOT, 'subgraphs', p.name, '.bench-bundle', 'main.mjs');
}

async function bundle(p: ServerProcess): Promise<string> {
  const outfile = bundlePath(p);
  mkdirSync(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [join(REPO_ROOT, p.entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['@node-rs/argon2'],
    logLevel: 'error',
    // CommonJS dependencies inside an ES module bundle still call require.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  return outfile;
}

function rssMiB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  return kb / 1024;
}

async function startOnce(p: ServerProcess, args: string[], env: Record<string, string>): Promise<{ readyMs: number; rss: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { ...env, [p.portSetting]: String(PORT) }, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${p.name} exited while starting`);
      if (await fetch(`http://127.0.0.1:${PORT}/health/ready`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const readyMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, 1000));
    return { readyMs, rss: rssMiB(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

await recreateDatabase(BENCH_DATABASE_URL);
await migrateAll(BENCH_DATABASE_URL);
const env: Record<string, string> = {
  PATH: PATH!,
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  DATABASE_URL: BENCH_DATABASE_URL,
  REDIS_URL: setting('REDIS_URL'),
  ADMIN_EMAIL: 'admin@marketplace.local',
  ADMIN_PASSWORD: 'admin-password',
  ...(await generateKeyEnv()),
};
const load = loadavg().map((l) => l.toFixed(2)).join(' ');
const rows: string[] = [];
try {
  for (const p of SERVER_PROCESSES) {
    const loader: { readyMs: number; rss: number }[] = [];
    const compiled: { readyMs: number; rss: number }[] = [];
    const file = await bundle(p);
    for (let run = 0; run < RUNS; run++) {
      loader.push(await startOnce(p, ['--import', 'tsx', p.entry], env));
      compiled.push(await startOnce(p, [file], env));
    }
    const row = `| ${p.name} | ${median(loader.map((r) => r.readyMs)).toFixed(0)} / ${median(compiled.map((r) => r.readyMs)).toFixed(0)} ms | ${median(loader.map((r) => r.rss)).toFixed(0)} / ${median(compiled.map((r) => r.rss)).toFixed(0)} MiB |`;
    console.log(row);
    rows.push(row);
  }
} finally {
  for (const p of SERVER_PROCESSES) rmSync(dirname(bundlePath(p)), { recursive: true, force: true });
}
const report = [
  `\n## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: start time and memory, tsx loader / esbuild bundle (median of ${RUNS}; load average before ${load})\n`,
  '| process | spawn to ready | RSS a second after |',
  '| --- | --- | --- |',
  ...rows,
].join('\n');
if (setting('BENCH_WRITE_RESULTS') !== '0') appendFileSync(new URL('./results/deploy.md', import.meta.url), `${report}\n`);
console.log(report);
process.exit(0);
