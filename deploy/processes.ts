/**
 * The processes the one container image runs (`scripts/serve.ts`), each described once: what it
 * runs, where it listens, which probes it answers and which secrets it needs. The Kubernetes
 * manifests and docker-compose.yml are generated from this (`pnpm deploy:manifests`), so a new
 * subgraph in SUBGRAPH_NAMES is a new Deployment, Service and compose service on the next run.
 */
import { SUBGRAPHS, type SettingName, type SubgraphName } from '@marketplace/runtime';

/** Served by every long-running process on its own port (issue 11's agreement). */
export const LIVENESS_PATH = '/health/live';
export const READINESS_PATH = '/health/ready';

export const GATEWAY_PORT = 4000;

/** Secrets every process gets (production refuses to start without them: `validateSettings`). */
const COMMON_SECRETS: SettingName[] = ['REDIS_URL', 'INTERNAL_PRIVATE_JWK', 'INTERNAL_PUBLIC_JWK', 'ACCESS_TOKEN_PUBLIC_JWK', 'ADMIN_EMAIL', 'ADMIN_PASSWORD'];

export interface ServerProcess {
  kind: 'server';
  name: 'gateway' | SubgraphName;
  /** Module the process runs, from the repository root. */
  entry: string;
  port: number;
  /** The setting it reads its port from. */
  portSetting: SettingName;
  secrets: SettingName[];
}

export interface TaskProcess {
  kind: 'task';
  name: 'migrate' | 'seed';
  entry: string;
  secrets: SettingName[];
}

export type ImageProcess = ServerProcess | TaskProcess;

export const subgraphPortSetting = (name: SubgraphName) => `${name.toUpperCase()}_PORT` as SettingName;
export const subgraphUrlSetting = (name: SubgraphName) => `${name.toUpperCase()}_URL` as SettingName;

/** Extra secrets a subgraph needs: users signs access tokens (see `runSubgraphProcess`). */
const OWN_SECRETS: Partial<Record<SubgraphName, SettingName[]>> = { users: ['ACCESS_TOKEN_PRIVATE_JWK'] };

export const SUBGRAPH_PROCESSES: ServerProcess[] = SUBGRAPHS.map(({ name, port }) => ({
  kind: 'server',
  name,
  entry: `subgraphs/${name}/src/main.ts`,
  port,
  portSetting: subgraphPortSetting(name),
  secrets: ['DATABASE_URL', ...COMMON_SECRETS, ...(OWN_SECRETS[name] ?? [])],
}));

export const GATEWAY_PROCESS: ServerProcess = {
  kind: 'server',
  name: 'gateway',
  entry: 'gateway/src/main.ts',
  port: GATEWAY_PORT,
  portSetting: 'PORT',
  // The gateway has no database of its own; Redis holds the catalog version its cache keys by.
  secrets: COMMON_SECRETS,
};

export const TASK_PROCESSES: TaskProcess[] = [
  { kind: 'task', name: 'migrate', entry: 'scripts/migrate.ts', secrets: ['DATABASE_URL', ...COMMON_SECRETS] },
  // Seeding goes through the graph like a client (started in its process), so it needs every key.
  { kind: 'task', name: 'seed', entry: 'scripts/seed.ts', secrets: ['DATABASE_URL', ...COMMON_SECRETS, 'ACCESS_TOKEN_PRIVATE_JWK'] },
];

export const SERVER_PROCESSES: ServerProcess[] = [GATEWAY_PROCESS, ...SUBGRAPH_PROCESSES];
export const IMAGE_PROCESSES: ImageProcess[] = [...SERVER_PROCESSES, ...TASK_PROCESSES];

export function imageProcess(name: string): ImageProcess | undefined {
  return IMAGE_PROCESSES.find((p) => p.name === name);
}
