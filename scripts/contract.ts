import { parse, print, type OperationDefinitionNode } from 'graphql';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, setting } from '@marketplace/runtime';

/** The client contract lives beside the project: ../shared/contract. */
export const CONTRACT_DIR = setting('CONTRACT_DIR') ?? join(REPO_ROOT, '..', 'shared', 'contract');

export interface ContractOperation {
  file: string;
  name: string;
  operation: OperationDefinitionNode['operation'];
  document: string;
}

/**
 * Operations this repository adds for clients while the shared contract is read-only to it
 * (`docs/contract-additions/`, one file per feature); the contract's README is to take them in.
 */
export const CONTRACT_ADDITIONS_DIR = join(REPO_ROOT, 'docs', 'contract-additions');

function operationsIn(dir: string): ContractOperation[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .flatMap((file) =>
      parse(readFileSync(join(dir, file), 'utf8')).definitions.map((def) => {
        const op = def as OperationDefinitionNode;
        return { file, name: op.name!.value, operation: op.operation, document: print(op) };
      }),
    );
}

export function contractOperations(): ContractOperation[] {
  return operationsIn(CONTRACT_DIR);
}

export function contractAdditions(): ContractOperation[] {
  return operationsIn(CONTRACT_ADDITIONS_DIR);
}

const byName = new Map<string, string>();
/** The text of a contract operation (or of an addition), exactly as clients send it. */
export function op(name: string): string {
  if (byName.size === 0) for (const o of [...contractOperations(), ...contractAdditions()]) byName.set(o.name, o.document);
  const document = byName.get(name);
  if (!document) throw new Error(`no contract operation ${name}`);
  return document;
}
