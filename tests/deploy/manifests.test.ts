import { REPO_ROOT, SETTINGS, validateSettings, type SettingName } from '@marketplace/runtime';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processCalls } from '../../deploy/calls';
import { BASE_DIR, baseFiles, composeFile, COMPOSE_PATH, IMAGE, MONITORING_PEER, SECRET } from '../../deploy/manifests';
import { IMAGE_PROCESSES, imageProcess, LIVENESS_PATH, READINESS_PATH, SERVER_PROCESSES } from '../../deploy/processes';
import { containerEnv, kustomize, ofKind, OVERLAYS, OVERLAYS_DIR, workloads, type K8sObject } from './render';

/** Values for secrets where only their presence and form matter. */
const PLACEHOLDER_SECRETS: Partial<Record<SettingName, string>> = {
  DATABASE_URL: 'postgres://marketplace@db.internal:5432/marketplace',
  REDIS_URL: 'redis://redis.internal:6379',
  ADMIN_EMAIL: 'operator@example.com',
};
const placeholder = (name: string) => PLACEHOLDER_SECRETS[name as SettingName] ?? (name.endsWith('_JWK') ? '{"kty":"OKP"}' : 'secret-value');

/** The kubernetes-models class validating an object of this apiVersion and kind (its JSON schema). */
async function modelOf(object: K8sObject): Promise<{ validate(): void }> {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : [null, object.apiVersion];
  const module = (await import(group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`)) as Record<string, new (data: object) => { validate(): void }>;
  const Model = module[object.kind];
  if (!Model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  return new Model(object);
}

describe('generated deploy files', () => {
  it('are what `pnpm deploy:manifests` writes now (rerun it after changing processes, subgraphs or calls)', () => {
    const expected = baseFiles();
    expect(readdirSync(BASE_DIR).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, content] of Object.entries(expected)) expect(readFileSync(join(BASE_DIR, name), 'utf8'), name).toBe(content);
    expect(readFileSync(COMPOSE_PATH, 'utf8')).toBe(composeFile());
  });
});

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  const objects = kustomize(join(OVERLAYS_DIR, overlay));

  it('renders objects that validate against the Kubernetes API schemas', async () => {
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) {
      const model = await modelOf(object);
      expect(() => model.validate(), `${object.kind}/${object.metadata.name}`).not.toThrow();
    }
  });

  it('runs every process the image serves, each as a Deployment with a Service, an autoscaler and a disruption budget', () => {
    for (const kind of ['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy']) {
      const names = ofKind(objects, kind).map((o) => o.metadata.name);
      expect(names, kind).toEqual(expect.arrayContaining(SERVER_PROCESSES.map((p) => p.name)));
    }
    expect(ofKind(objects, 'Job').map((j) => j.metadata.name)).toEqual(['migrate']);
  });

  it('each workload runs the image as a process it can run, on the port that process serves, probed where it answers', () => {
    for (const { object, pod } of workloads(objects)) {
      const [container] = pod.spec.containers;
      expect(pod.spec.containers).toHaveLength(1);
      expect(container.image.split(':')[0].split('/').at(-1)).toBe(IMAGE);
      // The image's entry point chooses the process; nothing overrides it.
      expect(container.command).toBeUndefined();
      expect(container.args).toBeUndefined();
      const { values } = containerEnv(objects, container);
      const process = imageProcess(values.SERVICE);
      expect(process, `${object.kind}/${object.metadata.name} SERVICE=${values.SERVICE}`).toBeDefined();
      expect(process?.kind).toBe(object.kind === 'Job' ? 'task' : 'server');
      if (process?.kind !== 'server') continue;
      // The port the process listens on (its setting, as the ConfigMap says) is the container's.
      expect(Number(values[process.portSetting])).toBe(process.port);
      expect(container.ports).toEqual([{ name: 'http', containerPort: process.port }]);
      expect(container.readinessProbe.httpGet).toEqual({ path: READINESS_PATH, port: 'http' });
      expect(container.livenessProbe.httpGet).toEqual({ path: LIVENESS_PATH, port: 'http' });
      // Draining: endpoints drop the pod during preStop, then the process finishes what is in flight.
      expect(container.lifecycle.preStop).toBeDefined();
      const preStop = Number(container.lifecycle.preStop.exec.command.at(-1));
      expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThan(preStop + Number(values.SHUTDOWN_GRACE_MS) / 1000);
      expect(container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.resources.limits).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    }
  });

  it('sets only variables the code reads, keeps secrets in the Secret, and gives each process what production requires', () => {
    const secretLike = (name: string) => /(_JWK|PASSWORD|DATABASE_URL|REDIS_URL)$/.test(name);
    for (const map of ofKind(objects, 'ConfigMap')) {
      for (const key of Object.keys(map.data ?? {})) {
        expect(key in SETTINGS, `ConfigMap ${map.metadata.name}: ${key} is not a setting`).toBe(true);
        expect(secretLike(key), `ConfigMap ${map.metadata.name} holds ${key}`).toBe(false);
      }
    }
    expect(ofKind(objects, 'Secret')).toEqual([]); // created outside the tree (README, "Deploy")
    for (const { object, pod } of workloads(objects)) {
      const [container] = pod.spec.containers;
      const { values, secrets } = containerEnv(objects, container);
      for (const name of [...Object.keys(values), ...secrets]) expect(name in SETTINGS, `${object.metadata.name}: ${name}`).toBe(true);
      for (const entry of container.env) if (entry.valueFrom) expect(entry.valueFrom.secretKeyRef.name).toBe(SECRET);
      for (const name of Object.keys(values)) expect(secretLike(name), `${object.metadata.name} sets ${name} in plain text`).toBe(false);
      // What the process itself validates at start, with the Secret's values filled in.
      const env = { ...values, ...Object.fromEntries(secrets.map((name) => [name, placeholder(name)])) };
      const needs: SettingName[] = values.SERVICE === 'users' ? ['ACCESS_TOKEN_PRIVATE_JWK'] : [];
      expect(() => validateSettings(env, needs), object.metadata.name).not.toThrow();
    }
  });

  it('every Service selects a Deployment, on a port its container names', () => {
    for (const service of ofKind(objects, 'Service')) {
      const selected = ofKind(objects, 'Deployment').filter((d) =>
        Object.entries(service.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v),
      );
      expect(selected.map((d) => d.metadata.name), service.metadata.name).toEqual([service.metadata.name]);
      const portNames = selected[0].spec.template.spec.containers[0].ports.map((p: { name: string }) => p.name);
      for (const port of service.spec.ports) expect(portNames).toContain(port.targetPort);
    }
  });

  it('the Ingress routes only /graphql, to the gateway', () => {
    const paths = ofKind(objects, 'Ingress').flatMap((i) => i.spec.rules.flatMap((r: any) => r.http.paths));
    expect(paths.map((p: any) => [p.path, p.backend.service.name])).toEqual([['/graphql', 'gateway']]);
  });

  it('NetworkPolicies allow exactly the calls the code makes: gateway to subgraphs, callInternal pairs, nothing else', () => {
    const component = (selector: any) => selector?.matchLabels?.['app.kubernetes.io/component'];
    const port = (name: string) => SERVER_PROCESSES.find((p) => p.name === name)!.port;
    const allowedIn = new Set<string>();
    const allowedOut = new Set<string>();
    const policies = ofKind(objects, 'NetworkPolicy');
    // Ingress is denied to every pod no other policy lets in.
    expect(policies.some((p) => Object.keys(p.spec.podSelector).length === 0 && p.spec.policyTypes.includes('Ingress') && !p.spec.ingress)).toBe(true);
    for (const policy of policies) {
      const to = component(policy.spec.podSelector);
      if (!to) continue;
      for (const rule of policy.spec.ingress ?? []) {
        if (to === 'gateway') continue; // the public entry, from the Ingress controller
        if (JSON.stringify(rule.from) === JSON.stringify([MONITORING_PEER])) continue; // Prometheus' scrape, checked below
        expect(rule.ports, policy.metadata.name).toEqual([{ protocol: 'TCP', port: port(to) }]);
        for (const peer of rule.from ?? []) {
          expect(peer.ipBlock ?? peer.namespaceSelector, `${to}: only our pods get in`).toBeUndefined();
          allowedIn.add(`${component(peer.podSelector)}>${to}`);
        }
        expect(rule.from?.length, `${to}: an ingress rule without peers lets everyone in`).toBeGreaterThan(0);
      }
      for (const rule of policy.spec.egress ?? []) {
        for (const peer of rule.to ?? []) if (component(peer.podSelector)) allowedOut.add(`${to}>${component(peer.podSelector)}`);
      }
    }
    const calls = processCalls().map((c) => `${c.from}>${c.to}`).sort();
    expect([...allowedIn].sort()).toEqual(calls);
    // Every subgraph lets Prometheus (and only it, from the monitoring namespace) scrape its port.
    for (const p of SERVER_PROCESSES.filter((s) => s.name !== 'gateway')) {
      const policy = policies.find((x) => component(x.spec.podSelector) === p.name)!;
      expect(policy.spec.ingress).toContainEqual({ from: [MONITORING_PEER], ports: [{ protocol: 'TCP', port: p.port }] });
    }
    expect([...allowedOut].sort()).toEqual(calls);
  });
});

describe('the calls the policies are built from', () => {
  it('are found in the code: every internal operation listed in internal-api.ts has a caller', () => {
    const api = readFileSync(join(REPO_ROOT, 'packages', 'runtime', 'src', 'internal-api.ts'), 'utf8');
    const listed = api.slice(api.indexOf('export interface InternalApi')).match(/^ {4}(\w+): \{/gm)!.map((m) => m.trim().split(':')[0]);
    expect(listed.length).toBeGreaterThan(10);
    const called = new Set(processCalls().flatMap((c) => c.operations));
    expect(listed.filter((op) => !called.has(op))).toEqual([]);
    expect(processCalls().filter((c) => c.from === 'gateway').map((c) => c.to)).toEqual(
      SERVER_PROCESSES.filter((p) => p.name !== 'gateway').map((p) => p.name).sort(),
    );
  });

  it('the image runs a process for every name the manifests use', () => {
    expect(IMAGE_PROCESSES.map((p) => p.name)).toEqual(expect.arrayContaining(['gateway', 'migrate', 'seed', ...SERVER_PROCESSES.map((p) => p.name)]));
  });
});
