/**
 * `pnpm start`: creates the database if missing, applies every subgraph's migrations, ensures the
 * operator account, then runs the subgraphs and the gateway as processes of their own, and
 * supervises them: a process that exits is restarted (with backoff) while the others keep serving.
 */
import { ensureDevKeys, isProduction, logger, REPO_ROOT, SERVER_NODE_FLAGS, setting, subgraphPort, SUBGRAPHS, validateSettingsOrExit } from '@marketplace/runtime';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { migrateAll } from './migrate';
import { RestartPolicy } from './restart-policy';
import { buildWebIfStale } from './web';

validateSettingsOrExit();
if (!isProduction()) await ensureDevKeys();
await migrateAll();
buildWebIfStale();
const { ensureOperator } = await import('../subgraphs/users/src/index');
await ensureOperator();

// CPU_PROFILE_DIR: every process writes a V8 CPU profile there when it stops (for benchmarks).
const profileDir = setting('CPU_PROFILE_DIR');
const profiling = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
const children = new Map<string, ChildProcess>();
const restartTimers = new Set<NodeJS.Timeout>();
let stopping = false;

/**
 * Runs one process and restarts it when it exits, with backoff, while the others keep serving
 * (RestartPolicy); one left down is reported unavailable by the gateway's `GET /health`.
 */
function supervise(name: string, entry: string, env: Record<string, string> = {}): void {
  const restarts = new RestartPolicy();
  const launch = () => {
    const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...profiling, '--import', 'tsx', entry], {
      cwd: REPO_ROOT,
      env: { ...process.env, SERVICE_NAME: name, ...env },
      stdio: 'inherit',
    });
    children.set(name, child);
    child.on('exit', (code, signal) => {
      if (stopping) return;
      const { restartInMs, exits } = restarts.exited();
      if (restartInMs === undefined) {
        logger.error({ name, code, signal, exits }, 'process keeps exiting; left down');
        return;
      }
      logger.warn({ name, code, signal, restartInMs }, 'process exited; restarting it');
      const timer = setTimeout(() => {
        restartTimers.delete(timer);
        if (!stopping) launch();
      }, restartInMs);
      restartTimers.add(timer);
    });
  };
  launch();
}

/** Ctrl-C / SIGTERM: every process drains and exits (each within its own SHUTDOWN_GRACE_MS). */
function stop(exitCode: number): void {
  stopping = true;
  restartTimers.forEach(clearTimeout);
  const running = [...children.values()].filter((c) => c.exitCode === null && c.signalCode === null);
  for (const child of running) child.kill('SIGTERM');
  setTimeout(() => process.exit(exitCode), setting('SHUTDOWN_GRACE_MS') + 2000).unref();
  Promise.all(running.map((c) => new Promise((resolve) => c.once('exit', resolve)))).then(() => process.exit(exitCode));
}

for (const { name } of SUBGRAPHS) {
  supervise(name, join('subgraphs', name, 'src', 'main.ts'), { [`${name.toUpperCase()}_PORT`]: String(subgraphPort(name)) });
}
supervise('gateway', join('gateway', 'src', 'main.ts'));
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
