/**
 * The image's build steps, run as far as they can be without a container runtime: the build
 * context (the repository less .dockerignore) is copied to a folder, the install stage's `pnpm`
 * commands run there as the Dockerfile writes them, and every process then starts from that folder
 * with the environment the manifests give it (ConfigMap, its own variables, the Secret's keys),
 * against the test database, and answers the probes the manifests name.
 */
import { REPO_ROOT, SERVER_NODE_FLAGS } from '@marketplace/runtime';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_DIR, HEALTHCHECK_COMMAND } from '../../deploy/manifests';
import { SERVER_PROCESSES, subgraphUrlSetting, SUBGRAPH_PROCESSES } from '../../deploy/processes';
import { readDockerfile, runCommand, stagesOf } from './dockerfile';
import { containerEnv, kustomize, ofKind } from './render';

/** The operating system's variables a child process needs (where programs are, a home), not settings of ours. */
const { PATH, HOME } = process.env;

/** This test's ports (the gateway's, then one per subgraph). */
const BASE_PORT = 5140;
const objects = kustomize(BASE_DIR);
let folder: string;
const running = new Map<string, { child: ChildProcess; exited: Promise<number | null>; port: number }>();

/** A .dockerignore pattern as a regular expression over paths from the context's root. */
function ignoreRule(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*\*\//g, '\u0000')
    .replace(/\*/g, '[^/]*')
    .replace(/\u0000/g, '(?:.*/)?');
  return new RegExp(`^${body}(?:/.*)?$`);
}

function buildContext(): string[] {
  const rules = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map(ignoreRule);
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  return files.filter((file) => !rules.some((rule) => rule.test(file)));
}

/** The environment the manifests give a process, with the Secret's values for this machine and this test's ports. */
function environmentOf(name: string): Record<string, string> {
  const deployment = ofKind(objects, 'Deployment').find((d) => d.metadata.name === name) ?? ofKind(objects, 'Job').find((j) => j.metadata.name === name)!;
  const { values, secrets } = containerEnv(objects, deployment.spec.template.spec.containers[0]);
  const env: Record<string, string> = { PATH: PATH!, HOME: HOME ?? '/tmp', ...values };
  for (const secret of secrets) {
    env[secret] = secret === 'ADMIN_EMAIL' ? 'admin@marketplace.local' : secret === 'ADMIN_PASSWORD' ? 'admin-password' : process.env[secret]!;
    expect(env[secret], `${secret} for ${name}`).toBeTruthy();
  }
  SERVER_PROCESSES.forEach((p, index) => (env[p.portSetting] = String(BASE_PORT + index)));
  for (const p of SUBGRAPH_PROCESSES) env[subgraphUrlSetting(p.name as never)] = `http://127.0.0.1:${env[p.portSetting]}`;
  return env;
}

function run(name: string, command: string[], env: Record<string, string>): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(command[0], command.slice(1), { cwd: folder, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr!.on('data', (d) => (errors += d));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      if (code) console.error(`${name} exited ${code}: ${errors.slice(-2000)}`);
      resolve(code);
    }),
  );
  return { child, exited };
}

const ENTRYPOINT = ['node', ...SERVER_NODE_FLAGS, '--import', 'tsx', 'scripts/serve.ts'];

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'marketplace-image-'));
  for (const file of buildContext()) {
    mkdirSync(dirname(join(folder, file)), { recursive: true });
    cpSync(join(REPO_ROOT, file), join(folder, file));
  }
  // The install stage's pnpm commands, as written (pnpm itself is the one running these tests).
  const [install] = stagesOf(readDockerfile());
  const commands = install.instructions.filter((i) => i.keyword === 'RUN').map(runCommand).filter((c) => c.startsWith('pnpm '));
  expect(commands).toEqual(['pnpm fetch --prod', 'pnpm install --offline --prod --frozen-lockfile']);
  for (const command of commands) execFileSync('sh', ['-c', command], { cwd: folder, stdio: 'ignore' });

  // The Job first, then every server at once, as a rollout starts them.
  const migrate = run('migrate', ENTRYPOINT, environmentOf('migrate'));
  expect(await migrate.exited).toBe(0);
  SERVER_PROCESSES.forEach((p, index) => running.set(p.name, { ...run(p.name, ENTRYPOINT, environmentOf(p.name)), port: BASE_PORT + index }));
}, 300_000);

afterAll(async () => {
  for (const { child } of running.values()) if (child.exitCode === null) child.kill('SIGKILL');
  if (folder) rmSync(folder, { recursive: true, force: true });
});

async function probe(url: string): Promise<number> {
  return fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, () => 0);
}

async function until(check: () => Promise<boolean>, what: string, ms = 120_000): Promise<void> {
  for (const started = Date.now(); !(await check()); ) {
    if (Date.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('the production install', () => {
  it('has no development dependencies', () => {
    const resolve = (name: string) => () =>
      execFileSync('node', ['-e', `require.resolve(${JSON.stringify(name)})`], { cwd: folder, stdio: 'ignore', env: { PATH } });
    expect(resolve('vitest')).toThrow();
    expect(resolve('drizzle-kit')).toThrow();
    expect(resolve('tsx')).not.toThrow();
  });

  it.each(SERVER_PROCESSES.map((p) => p.name))('%s starts from it and answers the probes its Deployment names, on its port', async (name) => {
    const deployment = ofKind(objects, 'Deployment').find((d) => d.metadata.name === name)!;
    const container = deployment.spec.template.spec.containers[0];
    const { port, child } = running.get(name)!;
    const base = `http://127.0.0.1:${port}`;
    await until(async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
      return (await probe(`${base}${container.readinessProbe.httpGet.path}`)) === 200;
    }, `${name} ready`);
    expect(await probe(`${base}${container.livenessProbe.httpGet.path}`)).toBe(200);
    expect(await probe(`${base}${container.startupProbe.httpGet.path}`)).toBe(200);
    // The image's HEALTHCHECK, run as Docker would: in the container, with its environment.
    const env = { ...environmentOf(name), SERVICE: name };
    const healthcheck = run(`${name} healthcheck`, HEALTHCHECK_COMMAND, env);
    expect(await healthcheck.exited).toBe(0);
  }, 150_000);

  it('every process stops cleanly on SIGTERM (exit 0), as Kubernetes stops a pod', async () => {
    for (const { child } of running.values()) child.kill('SIGTERM');
    const codes = await Promise.all([...running.entries()].map(async ([name, { exited }]) => [name, await exited]));
    expect(codes).toEqual(SERVER_PROCESSES.map((p) => [p.name, 0]));
  }, 60_000);
});
