import { generate } from '@graphql-codegen/cli';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import config from '../web/codegen';

describe('the storefront\'s typed documents', () => {
  it('match the contract\'s operations and the composed schema (run `pnpm codegen` after changing either)', async () => {
    const outputs = (await generate(config, false)) as { filename: string; content: string }[];
    expect(outputs.length).toBeGreaterThan(0);
    for (const { filename, content } of outputs) {
      expect(readFileSync(filename, 'utf8'), `${filename} is stale`).toBe(content);
    }
  }, 60_000);
});
