/** The Dockerfile, read into instructions (continuation lines joined, comments dropped), per build stage. */
import { REPO_ROOT } from '@marketplace/runtime';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

export const DOCKERFILE_PATH = join(REPO_ROOT, 'Dockerfile');

export function readDockerfile(text = readFileSync(DOCKERFILE_PATH, 'utf8')): Instruction[] {
  const instructions: Instruction[] = [];
  let pending: Instruction | null = null;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (pending === null && (line === '' || line.startsWith('#'))) return;
    if (pending !== null && line.startsWith('#')) return;
    const continued = line.endsWith('\\');
    const body = continued ? line.slice(0, -1).trim() : line;
    if (pending === null) {
      const [keyword, ...rest] = body.split(/\s+/);
      pending = { keyword: keyword.toUpperCase(), args: rest.join(' '), line: index + 1 };
    } else {
      pending.args = `${pending.args} ${body}`.trim();
    }
    if (!continued) {
      instructions.push(pending);
      pending = null;
    }
  });
  return instructions;
}

export function stagesOf(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [from, , name] = instruction.args.split(/\s+/);
      stages.push({ name: name ?? String(stages.length), from, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** A RUN's shell command without BuildKit's `--mount=…` flags. */
export function runCommand(instruction: Instruction): string {
  return instruction.args.replace(/--mount=\S+\s*/g, '').trim();
}

/** The exec form (`["a", "b"]`) of CMD/ENTRYPOINT/HEALTHCHECK CMD, or null for the shell form. */
export function execForm(args: string): string[] | null {
  const json = args.slice(args.indexOf('['));
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? (parsed as string[]) : null;
  } catch {
    return null;
  }
}
