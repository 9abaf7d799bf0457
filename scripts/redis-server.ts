/**
 * A Redis server of a test's or benchmark's own, on a port of its own: killing it (to see how the
 * graph lives without Redis) leaves the machine's shared Redis and every other test alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';

export interface RedisServer {
  url: string;
  child: ChildProcess;
  /** Kills it at once (SIGKILL, as a crash would) and waits for the exit. */
  stop(): Promise<void>;
}

/** Starts `redis-server` on `port` (nothing kept on disk) and waits until it accepts connections. */
export async function startRedisServer(port: number): Promise<RedisServer> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  // Never outlives the process that started it, even when a hook times out.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let waited = 0; ; waited += 100) {
    if (child.exitCode !== null) throw new Error(`redis-server exited while starting on ${port}`);
    if (waited > 10_000) throw new Error(`redis-server did not start on ${port}`);
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (up) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    child,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
