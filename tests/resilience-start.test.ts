/**
 * `pnpm start` supervises: a process killed under it comes back while the others keep answering,
 * and Ctrl-C (SIGINT) stops them all.
 */
import { REPO_ROOT, SUBGRAPH_NAMES } from '@marketplace/runtime';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { graphql } from '../scripts/graphql-client';
import { freePort } from '../scripts/stack';

let start: ChildProcess | undefined;
afterAll(() => {
  // The whole group, should an assertion have failed before Ctrl-C.
  if (start?.exitCode === null) process.kill(-start.pid!, 'SIGKILL');
});

/** The pid of the process listening on `port`. */
function listenerPid(port: number): number | undefined {
  const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  const match = /pid=(\d+)/.exec(out);
  return match ? Number(match[1]) : undefined;
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
    const gatewayPort = await freePort();
    const ports: Record<string, string> = { PORT: String(gatewayPort) };
    const subgraphPorts: Record<string, number> = {};
    for (const name of SUBGRAPH_NAMES) {
      subgraphPorts[name] = await freePort();
      ports[`${name.toUpperCase()}_PORT`] = String(subgraphPorts[name]);
      ports[`${name.toUpperCase()}_URL`] = `http://127.0.0.1:${subgraphPorts[name]}`;
    }
    start = spawn(process.execPath, ['--import', 'tsx', join('scripts', 'start.ts')], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...ports, SHUTDOWN_GRACE_MS: '3000' },
      stdio: ['ignore', 'ignore', 'inherit'],
      detached: true,
    });
    const exited = new Promise<number | null>((resolve) => start!.once('exit', (code) => resolve(code)));
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
