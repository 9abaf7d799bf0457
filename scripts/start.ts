/**
 * `pnpm start`: creates the database if missing, applies every subgraph's migrations, ensures the
 * operator account, then runs the subgraphs and the gateway as processes of their own. One
 * process dying stops them all (a supervisor such as systemd or Kubernetes restarts the set).
 */
import { ensureDevKeys, isProduction, logger, REPO_ROOT, setting, subgraphPort, SUBGRAPHS, validateSettingsOrExit } from '@marketplace/runtime';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { migrateAll } from './migrate';

validateSettingsOrExit();
if (!isProduction()) await ensureDevKeys();
await migrateAll();
const { ensureOperator } = await import('../subgraphs/users/src/index');
await ensureOperator();

// CPU_PROFILE_DIR: every process writes a V8 CPU profile there when it stops (for benchmarks).
const profileDir = setting('CPU_PROFILE_DIR');
const profiling = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
const children: ChildProcess[] = [];
let stopping = false;

function run(name: string, entry: string, env: Record<string, string> = {}): void {
  const child = spawn(process.execPath, [...profiling, '--import', 'tsx', entry], {
    cwd: REPO_ROOT,
    env: { ...process.env, SERVICE_NAME: name, ...env },
    stdio: 'inherit',
  });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    logger.error({ name, code, signal }, 'process exited; stopping the others');
    stop(1);
  });
  children.push(child);
}

function stop(exitCode: number): void {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(exitCode), 3000).unref();
  Promise.all(children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once('exit', resolve))))).then(() =>
    process.exit(exitCode),
  );
}

for (const { name } of SUBGRAPHS) {
  run(name, join('subgraphs', name, 'src', 'main.ts'), { [`${name.toUpperCase()}_PORT`]: String(subgraphPort(name)) });
}
run('gateway', join('gateway', 'src', 'main.ts'));
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
