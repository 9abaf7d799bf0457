/**
 * `pnpm start` supervises: a process killed under it comes back while the others keep answering,
 * and Ctrl-C (SIGINT) stops them all. `pnpm start:single` with several workers does the same for
 * its copies of the graph.
 */
import { REPO_ROOT, SUBGRAPH_NAMES } from '@marketplace/runtime';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { graphql } from '../scripts/graphql-client';
import { freePort } from '../scripts/stack';

const launched: ChildProcess[] = [];
afterAll(() => {
  // The whole group, should an assertion have failed before Ctrl-C.
  for (const start of launched) if (start.exitCode === null) process.kill(-start.pid!, 'SIGKILL');
});

/** Free ports for the gateway and every subgraph, as the environment that sets them. */
async function graphPorts() {
  const gatewayPort = await freePort();
  const env: Record<string, string> = { PORT: String(gatewayPort) };
  const subgraphPorts: Record<string, number> = {};
  for (const name of SUBGRAPH_NAMES) {
    subgraphPorts[name] = await freePort();
    env[`${name.toUpperCase()}_PORT`] = String(subgraphPorts[name]);
    env[`${name.toUpperCase()}_URL`] = `http://127.0.0.1:${subgraphPorts[name]}`;
  }
  return { gatewayPort, subgraphPorts, env };
}

function launch(script: string, env: Record<string, string>) {
  const start = spawn(process.execPath, ['--import', 'tsx', join('scripts', script)], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, SHUTDOWN_GRACE_MS: '3000' },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  launched.push(start);
  const exited = new Promise<number | null>((resolve) => start.once('exit', (code) => resolve(code)));
  return { start, exited };
}

/** Pids of the processes whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Pids of start-single's graph workers: its children that run the script (tsx also leaves esbuild services among them). */
function graphWorkersOf(pid: number): number[] {
  return childrenOf(pid).filter((child) => {
    try {
      return readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('start-single.ts');
    } catch {
      return false;
    }
  });
}

/** Whether `pid` has exited (gone, or a zombie its parent has not reaped yet: its sockets are closed either way). */
function isDead(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
  } catch {
    return true;
  }
}

/** The pids of the processes holding the socket listening on `port` (all of a cluster's copies). */
function listenerPids(port: number): number[] {
  const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  return [...out.matchAll(/pid=(\d+)/g)].map((match) => Number(match[1]));
}

/** The pid of the process listening on `port`. */
function listenerPid(port: number): number | undefined {
  return listenerPids(port)[0];
}

async function health(url: string): Promise<{ httpStatus: number; subgraphs?: Record<string, string> }> {
  try {
    const res = await fetch(`${url}/health`);
    return { ...((await res.json()) as object), httpStatus: res.status };
  } catch {
    return { httpStatus: 0 };
  }
}

describe('pnpm start', () => {
  it('restarts a killed process while the others keep answering; Ctrl-C stops them all', async () => {
    const { gatewayPort, subgraphPorts, env } = await graphPorts();
    const { start, exited } = launch('start.ts', env);
    const gateway = `http://127.0.0.1:${gatewayPort}`;
    await expect.poll(async () => (await health(gateway)).httpStatus, { timeout: 120_000, interval: 500 }).toBe(200);

    const reviewsPid = listenerPid(subgraphPorts.reviews!);
    expect(reviewsPid).toBeDefined();
    process.kill(reviewsPid!, 'SIGKILL');
    // The others keep answering.
    const categories = await graphql(`${gateway}/graphql`, '{ categories { id } }');
    expect(categories.errors).toBeUndefined();
    // Back under a new pid, and the gateway reports every subgraph healthy again.
    await expect.poll(async () => (await health(gateway)).subgraphs?.reviews, { timeout: 60_000, interval: 250 }).toBe('ok');
    expect(listenerPid(subgraphPorts.reviews!)).not.toBe(reviewsPid);

    start.kill('SIGINT');
    expect(await exited).toBe(0);
    for (const port of [gatewayPort, ...Object.values(subgraphPorts)]) expect(listenerPid(port)).toBeUndefined();
  }, 240_000);
});

describe('pnpm start:single with SINGLE_PROCESS_WORKERS=2', () => {
  it('serves from two copies of the graph, restarts a killed one while the other answers; Ctrl-C stops both', async () => {
    const { gatewayPort, subgraphPorts, env } = await graphPorts();
    const { start, exited } = launch('start-single.ts', { ...env, SINGLE_PROCESS_WORKERS: '2' });
    const gateway = `http://127.0.0.1:${gatewayPort}`;
    await expect.poll(async () => (await health(gateway)).httpStatus, { timeout: 120_000, interval: 500 }).toBe(200);
    await expect.poll(() => graphWorkersOf(start.pid!).length, { timeout: 120_000, interval: 500 }).toBe(2);
    const [killed, survivor] = graphWorkersOf(start.pid!) as [number, number];
    // /health answered from the first copy ready; both serve once both hold the gateway's socket.
    await expect.poll(() => listenerPids(gatewayPort), { timeout: 120_000, interval: 250 }).toEqual(expect.arrayContaining([killed, survivor]));

    process.kill(killed, 'SIGKILL');
    await expect.poll(() => isDead(killed), { timeout: 10_000, interval: 20 }).toBe(true);
    // The other copy answers every request meanwhile, each on a new connection: one kept alive
    // from before belonged to the killed copy, and is reset as a crash resets any.
    const newConnection = new Agent({ pipelining: 0 });
    for (let i = 0; i < 10; i++) {
      const res = await undiciFetch(`${gateway}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ categories { id } }' }),
        dispatcher: newConnection,
      });
      expect(((await res.json()) as { errors?: unknown }).errors).toBeUndefined();
    }
    await newConnection.close();
    // A new copy replaces the killed one.
    await expect.poll(() => graphWorkersOf(start.pid!).filter((pid) => pid !== killed).length, { timeout: 60_000, interval: 250 }).toBe(2);
    expect(graphWorkersOf(start.pid!)).toContain(survivor);
    await expect.poll(async () => (await health(gateway)).httpStatus, { timeout: 60_000, interval: 250 }).toBe(200);

    start.kill('SIGINT');
    expect(await exited).toBe(0);
    for (const port of [gatewayPort, ...Object.values(subgraphPorts)]) expect(listenerPid(port)).toBeUndefined();
  }, 240_000);
});
