/**
 * `pnpm deploy:manifests`: writes the Kubernetes base (deploy/kubernetes/base/) and
 * docker-compose.yml from the processes the image runs (deploy/processes.ts) and the calls the
 * code makes (deploy/calls.ts). The output is checked in; tests/deploy/manifests.test.ts fails
 * when it is stale. Overlays (deploy/kubernetes/overlays/) are written by hand and patch by kind
 * and label, so a new subgraph needs nothing there.
 */
import { REPO_ROOT, type SettingName } from '@marketplace/runtime';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyEgressRule } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyEgressRule';
import type { INetworkPolicyIngressRule } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyIngressRule';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { IService } from 'kubernetes-models/v1/Service';
import { stringify } from 'yaml';
import { processCalls } from './calls';
import {
  GATEWAY_PROCESS,
  LIVENESS_PATH,
  READINESS_PATH,
  SERVER_PROCESSES,
  SUBGRAPH_PROCESSES,
  subgraphUrlSetting,
  TASK_PROCESSES,
  type ImageProcess,
  type ServerProcess,
} from './processes';

export const IMAGE = 'marketplace-graph';
export const SETTINGS_CONFIG_MAP = 'marketplace-settings';
export const SECRET = 'marketplace-secrets';
export const BASE_DIR = join(REPO_ROOT, 'deploy', 'kubernetes', 'base');
export const COMPOSE_PATH = join(REPO_ROOT, 'docker-compose.yml');
/** Ports of the external services, as their URLs in the Secret say by default. */
const POSTGRES_PORT = 5432;
const REDIS_PORT = 6379;
/** The image's HEALTHCHECK command too (Dockerfile). */
export const HEALTHCHECK_COMMAND = ['node', '--import', 'tsx', 'scripts/healthcheck.ts'];

const PART_OF = 'marketplace';
// Objects are typed with kubernetes-models' interfaces, so a misplaced or misspelt field fails the
// typecheck (its validators, run by the tests on the rendered output, ignore unknown fields).
const labelsOf = (component: string) => ({ 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/component': component });

/**
 * Resources, from the benchmarks (bench/results/*.md). The gateway: ~200 MiB RSS idle and ~500 MiB
 * holding 10,000 subscriptions (subscriptions.md), and the largest CPU share per request (search.md:
 * 0.6–2.8 ms of 1.2–6.4 ms per search). Subgraphs: ~160 MiB RSS at rest under tsx (deploy.md);
 * products takes the next CPU share in search, orders and inventory carry checkout (checkout.md).
 * Requests are what an instance holds at rest plus headroom; limits leave room for a burst.
 */
const RESOURCES: Record<string, { cpu: [string, string]; memory: [string, string] }> = {
  gateway: { cpu: ['500m', '2'], memory: ['256Mi', '768Mi'] },
  products: { cpu: ['250m', '1'], memory: ['256Mi', '512Mi'] },
  migrate: { cpu: ['100m', '500m'], memory: ['128Mi', '256Mi'] },
};
const SUBGRAPH_RESOURCES = { cpu: ['200m', '1'], memory: ['192Mi', '512Mi'] } as const;

function resourcesOf(name: string) {
  const r = RESOURCES[name] ?? SUBGRAPH_RESOURCES;
  return { requests: { cpu: r.cpu[0], memory: r.memory[0] }, limits: { cpu: r.cpu[1], memory: r.memory[1] } };
}

/** Settings every process gets from the ConfigMap: production, and where each subgraph is. */
export function sharedSettings(hostOf: (p: ServerProcess) => string): Record<string, string> {
  const settings: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    LISTEN_HOST: '0.0.0.0',
    SHUTDOWN_GRACE_MS: String(SHUTDOWN_GRACE_SECONDS * 1000),
  };
  for (const p of SERVER_PROCESSES) settings[p.portSetting] = String(p.port);
  for (const p of SUBGRAPH_PROCESSES) settings[subgraphUrlSetting(p.name as never)] = `http://${hostOf(p)}:${p.port}`;
  return settings;
}

/** Seconds a pod keeps serving after being told to stop, before SIGTERM: endpoints take that long to drop it. */
export const PRE_STOP_SECONDS = 5;
/** After SIGTERM, the process drains this long at most (requests in flight, subscriptions closing). */
const SHUTDOWN_GRACE_SECONDS = 20;
/** preStop, then the process's own drain, then a margin before the kubelet kills it. */
const TERMINATION_GRACE_SECONDS = PRE_STOP_SECONDS + SHUTDOWN_GRACE_SECONDS + 5;

function secretEnv(p: ImageProcess) {
  return p.secrets.map((name) => ({ name, valueFrom: { secretKeyRef: { name: SECRET, key: name } } }));
}

function container(p: ImageProcess): IContainer {
  return {
    name: p.name,
    image: IMAGE,
    env: [{ name: 'SERVICE' as SettingName, value: p.name }, ...secretEnv(p)],
    envFrom: [{ configMapRef: { name: SETTINGS_CONFIG_MAP } }],
    resources: resourcesOf(p.name),
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    // tsx keeps its compile cache under the temporary folder; the root filesystem is read-only.
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
}

const podSecurity: IPodSecurityContext = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } };

function deployment(p: ServerProcess): IDeployment {
  const labels = labelsOf(p.name);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: p.name, labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
          securityContext: podSecurity,
          containers: [
            {
              ...container(p),
              ports: [{ name: 'http', containerPort: p.port }],
              // A subgraph migrates its own schema as it starts (under the same lock as the Job): allow a minute.
              startupProbe: { httpGet: { path: LIVENESS_PATH, port: 'http' }, periodSeconds: 2, failureThreshold: 30 },
              livenessProbe: { httpGet: { path: LIVENESS_PATH, port: 'http' }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
              readinessProbe: { httpGet: { path: READINESS_PATH, port: 'http' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 },
              lifecycle: { preStop: { exec: { command: ['sleep', String(PRE_STOP_SECONDS)] } } },
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

function service(p: ServerProcess): IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: p.name, labels: labelsOf(p.name) },
    spec: { selector: labelsOf(p.name), ports: [{ name: 'http', port: p.port, targetPort: 'http' }] },
  };
}

function autoscaler(p: ServerProcess): IHorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: p.name, labels: labelsOf(p.name) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: p.name },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    },
  };
}

function disruptionBudget(p: ServerProcess): IPodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: p.name, labels: labelsOf(p.name) },
    spec: { maxUnavailable: 1, selector: { matchLabels: labelsOf(p.name) } },
  };
}

const dnsEgress: INetworkPolicyEgressRule = {
  to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};

/** Postgres and Redis are outside the namespace (managed services or operators): reached by port. */
function storeEgress(p: ImageProcess): INetworkPolicyEgressRule {
  const ports: INetworkPolicyPort[] = [];
  if (p.secrets.includes('DATABASE_URL')) ports.push({ protocol: 'TCP', port: POSTGRES_PORT });
  if (p.secrets.includes('REDIS_URL')) ports.push({ protocol: 'TCP', port: REDIS_PORT });
  return { ports };
}

/**
 * Who may reach `p`, and whom `p` may reach: exactly the calls the code makes (deploy/calls.ts),
 * plus Postgres, Redis and DNS. The gateway takes traffic from anywhere (the Ingress controller
 * lives in a namespace of its own); a subgraph only from the gateway and its internal callers.
 */
/**
 * Prometheus scrapes every server's `GET /metrics` on its one port: from the `monitoring`
 * namespace only (the kube-prometheus-stack convention; change both labels to your setup).
 */
export const MONITORING_PEER = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
  podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
};

function networkPolicy(p: ImageProcess): INetworkPolicy {
  const calls = processCalls();
  const port = (name: string) => SERVER_PROCESSES.find((s) => s.name === name)!.port;
  const ingress: INetworkPolicyIngressRule[] =
    p.kind === 'task'
      ? []
      : p.name === 'gateway'
        ? [{ ports: [{ protocol: 'TCP', port: p.port }] }]
        : [
            {
              from: calls.filter((c) => c.to === p.name).map((c) => ({ podSelector: { matchLabels: labelsOf(c.from) } })),
              ports: [{ protocol: 'TCP', port: p.port }],
            },
            { from: [MONITORING_PEER], ports: [{ protocol: 'TCP', port: p.port }] },
          ];
  const callees = calls.filter((c) => c.from === p.name);
  const egress: INetworkPolicyEgressRule[] = [
    dnsEgress,
    storeEgress(p),
    ...callees.map((c): INetworkPolicyEgressRule => ({ to: [{ podSelector: { matchLabels: labelsOf(c.to) } }], ports: [{ protocol: 'TCP', port: port(c.to) }] })),
  ];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: p.name, labels: labelsOf(p.name) },
    spec: { podSelector: { matchLabels: labelsOf(p.name) }, policyTypes: ['Ingress', 'Egress'], ingress, egress },
  };
}

/** Pods of ours no policy above selects get nothing in. */
const denyByDefault: INetworkPolicy = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'default-deny-ingress', labels: { 'app.kubernetes.io/part-of': PART_OF } },
  spec: { podSelector: {}, policyTypes: ['Ingress'] },
};

function migrateJob(): IJob {
  const p = TASK_PROCESSES.find((t) => t.name === 'migrate')!;
  const labels = labelsOf(p.name);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'migrate', labels },
    spec: {
      backoffLimit: 6,
      ttlSecondsAfterFinished: 3600,
      template: {
        metadata: { labels },
        spec: { restartPolicy: 'OnFailure', securityContext: podSecurity, containers: [container(p)], volumes: [{ name: 'tmp', emptyDir: {} }] },
      },
    },
  };
}

/** Only `/graphql` is public (HTTP and its WebSocket upgrade); /health and /metrics stay inside. */
function ingress(): IIngress {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: 'gateway',
      labels: labelsOf('gateway'),
      annotations: {
        // ingress-nginx proxies WebSocket upgrades as they come; subscriptions are long-lived (the
        // gateway pings every 12 s, so an hour of silence never happens on a healthy connection).
        'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
        'nginx.ingress.kubernetes.io/proxy-send-timeout': '3600',
      },
    },
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          host: 'marketplace.example.com',
          http: { paths: [{ path: '/graphql', pathType: 'Exact', backend: { service: { name: 'gateway', port: { name: 'http' } } } }] },
        },
      ],
    },
  };
}

function configMap(): IConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: SETTINGS_CONFIG_MAP, labels: { 'app.kubernetes.io/part-of': PART_OF } },
    data: sharedSettings((p) => p.name),
  };
}

const GENERATED = '# Generated by `pnpm deploy:manifests` from deploy/processes.ts: edit that, not this.\n';
const yamlDocs = (docs: object[]) => GENERATED + docs.map((d) => stringify(d, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');

/** File name → content of every generated file under deploy/kubernetes/base/. */
export function baseFiles(): Record<string, string> {
  const files: Record<string, string> = {
    'settings.yaml': yamlDocs([configMap()]),
    'network-default.yaml': yamlDocs([denyByDefault]),
    'ingress.yaml': yamlDocs([ingress()]),
    'migrate.yaml': yamlDocs([migrateJob(), networkPolicy(TASK_PROCESSES.find((t) => t.name === 'migrate')!)]),
  };
  for (const p of SERVER_PROCESSES) {
    files[`${p.name}.yaml`] = yamlDocs([deployment(p), service(p), autoscaler(p), disruptionBudget(p), networkPolicy(p)]);
  }
  const resources = Object.keys(files).sort();
  files['kustomization.yaml'] = yamlDocs([
    {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      // Keys and the database/Redis URLs come from the Secret `marketplace-secrets`, created
      // outside this tree (README, "Deploy"): never in a ConfigMap, never checked in.
      // The image's registry and tag are the overlays' (`images:`).
      resources,
    },
  ]);
  return files;
}

/** The compose file: Postgres, Redis, the migration step, every subgraph and the gateway from the one image. */
export function composeFile(): string {
  const secretValue = (name: SettingName) =>
    name === 'DATABASE_URL'
      ? 'postgres://postgres:${POSTGRES_PASSWORD:?run pnpm --silent deploy:env > .env}@postgres:5432/marketplace'
      : name === 'REDIS_URL'
        ? 'redis://redis:6379'
        : `\${${name}:?run pnpm --silent deploy:env > .env}`;
  const environment = (p: ImageProcess) => ({
    SERVICE: p.name,
    ...sharedSettings((s) => s.name),
    ...Object.fromEntries(p.secrets.map((name) => [name, secretValue(name)])),
  });
  const healthy = { condition: 'service_healthy' };
  const stores = { postgres: healthy, redis: healthy };
  // Every service of ours names the build, so none is pulled from a registry that does not have
  // it; the layers are built once and the other services hit the cache.
  const appService = (p: ImageProcess) => ({
    image: `${IMAGE}:\${TAG:-local}`,
    build: { context: '.' },
    environment: environment(p),
    read_only: true,
    tmpfs: ['/tmp'],
  });
  const services: Record<string, object> = {
    postgres: {
      image: 'postgres:15',
      environment: { POSTGRES_PASSWORD: '${POSTGRES_PASSWORD:?run pnpm --silent deploy:env > .env}', POSTGRES_DB: 'marketplace' },
      volumes: ['postgres-data:/var/lib/postgresql/data'],
      healthcheck: { test: ['CMD', 'pg_isready', '-U', 'postgres'], interval: '5s', timeout: '3s', retries: 20 },
      restart: 'unless-stopped',
    },
    redis: {
      image: 'redis:7',
      // Events travel through Redis Streams: keep them across restarts (append-only file).
      command: ['redis-server', '--appendonly', 'yes'],
      volumes: ['redis-data:/data'],
      healthcheck: { test: ['CMD', 'redis-cli', 'ping'], interval: '5s', timeout: '3s', retries: 20 },
      restart: 'unless-stopped',
    },
    migrate: {
      ...appService(TASK_PROCESSES.find((t) => t.name === 'migrate')!),
      depends_on: stores,
      restart: 'no',
    },
  };
  for (const p of SUBGRAPH_PROCESSES) {
    services[p.name] = {
      ...appService(p),
      depends_on: { ...stores, migrate: { condition: 'service_completed_successfully' } },
      healthcheck: { test: ['CMD', ...HEALTHCHECK_COMMAND], interval: '10s', timeout: '3s', start_period: '30s', retries: 3 },
      stop_grace_period: `${TERMINATION_GRACE_SECONDS}s`,
      restart: 'unless-stopped',
    };
  }
  services.gateway = {
    ...appService(GATEWAY_PROCESS),
    ports: [`${GATEWAY_PROCESS.port}:${GATEWAY_PROCESS.port}`],
    depends_on: { ...stores, ...Object.fromEntries(SUBGRAPH_PROCESSES.map((p) => [p.name, healthy])) },
    healthcheck: { test: ['CMD', ...HEALTHCHECK_COMMAND], interval: '10s', timeout: '3s', start_period: '30s', retries: 3 },
    stop_grace_period: `${TERMINATION_GRACE_SECONDS}s`,
    restart: 'unless-stopped',
  };
  // `docker compose --profile seed run --rm seed`: the demo marketplace.
  const seedProcess = TASK_PROCESSES.find((t) => t.name === 'seed')!;
  services.seed = { ...appService(seedProcess), profiles: ['seed'], depends_on: { migrate: { condition: 'service_completed_successfully' } }, restart: 'no' };
  return (
    GENERATED.replace('#', '# One machine: `pnpm --silent deploy:env > .env && docker compose up --build`.\n#') +
    stringify({ services, volumes: { 'postgres-data': {}, 'redis-data': {} } }, { lineWidth: 0, aliasDuplicateObjects: false })
  );
}

export function writeManifests(): void {
  rmSync(BASE_DIR, { recursive: true, force: true });
  mkdirSync(BASE_DIR, { recursive: true });
  for (const [name, content] of Object.entries(baseFiles())) writeFileSync(join(BASE_DIR, name), content);
  writeFileSync(COMPOSE_PATH, composeFile());
}


if (import.meta.url === `file://${process.argv[1]}`) {
  writeManifests();
  console.log(`wrote ${BASE_DIR} and ${COMPOSE_PATH}`);
}
