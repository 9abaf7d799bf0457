/**
 * The whole graph in this test process: every subgraph and the gateway over real HTTP on
 * ephemeral ports, against the test database and Redis. Subgraphs find each other through the
 * `<NAME>_URL` variables set here, as separate processes would through configuration.
 */
import { REPO_ROOT, startSubgraph, SUBGRAPHS, type BaseContext, type RunningServer, type SubgraphDefinition, type SubgraphName } from '@marketplace/runtime';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startGateway } from '../gateway/src/index';
import { graphql, type GraphQLResult } from './graphql-client';

export interface Stack {
  gatewayUrl: string;
  /** The same endpoint for graphql-ws subscriptions. */
  gatewayWsUrl: string;
  /** Subscriptions served by the gateway: clients, and the distinct upstream sources they share. */
  subscriptionStats(): { clients: number; upstreamSources: number };
  subgraphUrls: Record<SubgraphName, string>;
  /** Sends an operation through the gateway. */
  request<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResult<T>>;
  /** Stops one subgraph (to see how the graph behaves without it). */
  stopSubgraph(name: SubgraphName): Promise<void>;
  stop(): Promise<void>;
}

async function definitionOf(name: SubgraphName): Promise<SubgraphDefinition<BaseContext>> {
  const module = (await import(`../subgraphs/${name}/src/index.ts`)) as Record<string, unknown>;
  return module[name] as SubgraphDefinition<BaseContext>;
}

/** One of our processes (a subgraph's or the gateway's `src/main.ts`), for tests that run several or kill one. */
export interface ServiceProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  stop(): Promise<void>;
}
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startProcess(name: string, entry: string, env: Record<string, string>, port: number, captureOutput = false): Promise<ServiceProcess> {
  // Node itself with tsx's loader (not the tsx CLI, which runs a second process): killing `child`
  // kills the service.
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: REPO_ROOT,
    env: { ...process.env, SERVICE_NAME: name, ...env },
    // Captured: its log lines, on `child.stdout`, for a test that reads them.
    stdio: ['ignore', captureOutput ? 'pipe' : 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  for (let waited = 0; ; waited += 100) {
    if (child.exitCode !== null) throw new Error(`${name} exited while starting`);
    if (waited > 60_000) throw new Error(`${name} did not start`);
    // Ready: started, and (a subgraph) its database answers; a gateway does not wait for subgraphs.
    const up = await fetch(`${url}/health/ready`).then((r) => r.ok, () => false);
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    child,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function startSubgraphProcess(
  name: SubgraphName,
  opts: { env?: Record<string, string>; port?: number; captureOutput?: boolean } = {},
): Promise<ServiceProcess> {
  const port = opts.port ?? (await freePort());
  return startProcess(name, join('subgraphs', name, 'src', 'main.ts'), { [`${name.toUpperCase()}_PORT`]: String(port), ...opts.env }, port, opts.captureOutput);
}

/** A gateway process reaching the subgraphs at `subgraphUrls`. */
export async function startGatewayProcess(
  subgraphUrls: Record<SubgraphName, string>,
  opts: { port?: number; env?: Record<string, string> } = {},
): Promise<ServiceProcess> {
  const port = opts.port ?? (await freePort());
  const urls = Object.fromEntries(Object.entries(subgraphUrls).map(([name, url]) => [`${name.toUpperCase()}_URL`, url]));
  return startProcess('gateway', join('gateway', 'src', 'main.ts'), { PORT: String(port), ...urls, ...opts.env }, port);
}

/**
 * Starts the graph in this process; `external` subgraphs are already running elsewhere (their URLs).
 * `inProcess`: the single-process topology (`pnpm start:single`), the gateway and internal calls
 * reaching the subgraphs without HTTP.
 */
export async function startStack(opts: { external?: Partial<Record<SubgraphName, string>>; inProcess?: boolean } = {}): Promise<Stack> {
  const servers = new Map<SubgraphName, RunningServer>();
  const subgraphUrls = {} as Record<SubgraphName, string>;
  for (const { name } of SUBGRAPHS) {
    const external = opts.external?.[name];
    if (external) {
      subgraphUrls[name] = external;
      process.env[`${name.toUpperCase()}_URL`] = external;
      continue;
    }
    const server = await startSubgraph(await definitionOf(name), { port: 0, inProcess: opts.inProcess });
    servers.set(name, server);
    subgraphUrls[name] = server.url;
    process.env[`${name.toUpperCase()}_URL`] = server.url;
  }
  // As `pnpm start` does: the operator account exists once the graph is up.
  const { ensureOperator } = await import('../subgraphs/users/src/index');
  await ensureOperator();
  const gateway = await startGateway({ port: 0 });
  const gatewayUrl = `${gateway.url}/graphql`;
  return {
    gatewayUrl,
    gatewayWsUrl: gatewayUrl.replace(/^http/, 'ws'),
    subscriptionStats: () => gateway.subscriptionStats(),
    subgraphUrls,
    request: (query, variables = {}, token) => graphql(gatewayUrl, query, variables, { token }),
    async stopSubgraph(name) {
      await servers.get(name)?.stop();
      servers.delete(name);
    },
    async stop() {
      await gateway.stop();
      await Promise.all([...servers.values()].map((s) => s.stop()));
    },
  };
}
