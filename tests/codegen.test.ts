import { generate } from '@graphql-codegen/cli';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import config from '../codegen';
import { SUBGRAPH_NAMES } from '../packages/runtime/src/settings';

describe('generated resolver types', () => {
  it('match the schema and mappers (run `pnpm codegen` after changing them)', async () => {
    const outputs = (await generate(config, false)) as { filename: string; content: string }[];
    expect(outputs).toHaveLength(SUBGRAPH_NAMES.length);
    for (const { filename, content } of outputs) {
      expect(readFileSync(filename, 'utf8'), `${filename} is stale`).toBe(content);
    }
  }, 60_000);
});
