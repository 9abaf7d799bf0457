import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, SERVER_NODE_FLAGS } from '@marketplace/runtime';
import { validate, ValidationSeverity } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { HEALTHCHECK_COMMAND } from '../../deploy/manifests';
import { DOCKERFILE_PATH, execForm, readDockerfile, runCommand, stagesOf } from './dockerfile';

const text = readFileSync(DOCKERFILE_PATH, 'utf8');
const instructions = readDockerfile(text);
const stages = stagesOf(instructions);
const final = stages.at(-1)!;

describe('Dockerfile', () => {
  it('passes dockerfile-utils linting with every check raised to an error', () => {
    const error = ValidationSeverity.ERROR;
    const problems = validate(text, {
      deprecatedMaintainer: error,
      directiveCasing: error,
      emptyContinuationLine: error,
      instructionCasing: error,
      instructionCmdMultiple: error,
      instructionEntrypointMultiple: error,
      instructionHealthcheckMultiple: error,
      instructionJSONInSingleQuotes: error,
      instructionWorkdirRelative: error,
    });
    expect(problems.map((p) => `${p.range.start.line + 1}: ${p.message}`)).toEqual([]);
  });

  // hadolint's rules that apply to this file, checked here (hadolint itself is a Haskell binary).
  it('follows hadolint rules DL3000, DL3002, DL3004, DL3006, DL3007, DL3016, DL3020, DL3025, DL3057, DL4000', () => {
    for (const stage of stages) {
      expect(stage.from, 'DL3006: base images are tagged').toMatch(/^[\w./-]+:[\w.-]+$/);
      expect(stage.from, 'DL3007: not latest').not.toMatch(/:latest$/);
    }
    for (const i of instructions) {
      if (i.keyword === 'WORKDIR') expect(i.args, 'DL3000: absolute WORKDIR').toMatch(/^\//);
      expect(i.keyword, 'DL3020: COPY, not ADD').not.toBe('ADD');
      expect(i.keyword, 'DL4000: MAINTAINER is deprecated').not.toBe('MAINTAINER');
      if (i.keyword === 'RUN') {
        expect(i.args, 'DL3004: no sudo').not.toMatch(/\bsudo\b/);
        for (const [, pkg] of runCommand(i).matchAll(/npm install -g (\S+)/g)) expect(pkg, 'DL3016: pinned npm packages').toMatch(/.@\d/);
      }
      if (['CMD', 'ENTRYPOINT'].includes(i.keyword)) expect(execForm(i.args), `DL3025: JSON form for ${i.keyword}`).not.toBeNull();
    }
    const user = final.instructions.filter((i) => i.keyword === 'USER').at(-1);
    expect(user?.args, 'DL3002: the last USER is not root').toBeDefined();
    expect(user!.args).not.toMatch(/^(root|0)(:|$)/);
    expect(final.instructions.some((i) => i.keyword === 'HEALTHCHECK'), 'DL3057: HEALTHCHECK').toBe(true);
  });

  it('is multi-stage on Node 20 slim; the final stage copies the installed tree, runs serve.ts and checks readiness', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.from).toBe('node:20-slim');
    expect(final.instructions.some((i) => i.keyword === 'RUN'), 'nothing is installed in the final stage').toBe(false);
    expect(final.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args)).toEqual([`--from=${stages[0].name} /app /app`]);
    expect(execForm(final.instructions.find((i) => i.keyword === 'ENTRYPOINT')!.args)).toEqual(['node', ...SERVER_NODE_FLAGS, '--import', 'tsx', 'scripts/serve.ts']);
    expect(execForm(final.instructions.find((i) => i.keyword === 'HEALTHCHECK')!.args)).toEqual(HEALTHCHECK_COMMAND);
    const env = final.instructions.filter((i) => i.keyword === 'ENV').map((i) => i.args).join(' ');
    expect(env).toMatch(/NODE_ENV=production/);
    expect(env, 'no keys baked in').not.toMatch(/JWK|PASSWORD|DATABASE_URL/);
    const installs = stages[0].instructions.filter((i) => i.keyword === 'RUN').map(runCommand);
    expect(installs.at(-1)).toBe('pnpm install --offline --prod --frozen-lockfile');
  });

  it('.dockerignore keeps local secrets and dependencies out of the build context', () => {
    const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '.env', '.dev-keys.json', '.git']));
  });
});
