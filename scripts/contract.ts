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

export function contractOperations(): ContractOperation[] {
  return readdirSync(CONTRACT_DIR)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .flatMap((file) =>
      parse(readFileSync(join(CONTRACT_DIR, file), 'utf8')).definitions.map((def) => {
        const op = def as OperationDefinitionNode;
        return { file, name: op.name!.value, operation: op.operation, document: print(op) };
      }),
    );
}

const byName = new Map<string, string>();
/** The text of a contract operation, exactly as clients send it. */
export function op(name: string): string {
  if (byName.size === 0) for (const o of contractOperations()) byName.set(o.name, o.document);
  const document = byName.get(name);
  if (!document) throw new Error(`no contract operation ${name}`);
  return document;
}
