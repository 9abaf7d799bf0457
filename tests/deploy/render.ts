/** Kustomize output as objects, rendered by `kubectl kustomize` (kustomize is built into kubectl). */
import { REPO_ROOT } from '@marketplace/runtime';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const OVERLAYS_DIR = join(REPO_ROOT, 'deploy', 'kubernetes', 'overlays');
export const OVERLAYS = readdirSync(OVERLAYS_DIR).sort();

// Loose on purpose: the tests read what they check and validate the whole against the API schemas.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [key: string]: any };

export function kustomize(dir: string): K8sObject[] {
  let output: string;
  try {
    output = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('kubectl (with its built-in kustomize, v5) is needed to render deploy/kubernetes');
    throw err;
  }
  return parseAllDocuments(output).map((doc) => {
    if (doc.errors.length) throw doc.errors[0];
    return doc.toJS() as K8sObject;
  });
}

export const ofKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);

/** The environment a workload's container gets: its own `env` and the ConfigMaps it takes whole. */
export function containerEnv(objects: K8sObject[], container: any): { values: Record<string, string>; secrets: string[] } {
  const values: Record<string, string> = {};
  const secrets: string[] = [];
  for (const source of container.envFrom ?? []) {
    const map = ofKind(objects, 'ConfigMap').find((c) => c.metadata.name === source.configMapRef?.name);
    if (!map) throw new Error(`${container.name}: envFrom names no ConfigMap of the output (${JSON.stringify(source)})`);
    Object.assign(values, map.data);
  }
  for (const entry of container.env ?? []) {
    if (entry.valueFrom?.secretKeyRef) secrets.push(entry.name);
    else values[entry.name] = entry.value;
  }
  return { values, secrets };
}

/** Workloads (Deployments and Jobs) with their pod template. */
export function workloads(objects: K8sObject[]) {
  return objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job').map((o) => ({ object: o, pod: o.spec.template }));
}
