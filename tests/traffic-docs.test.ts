import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TRUSTED_DOCUMENTS_PATH } from '../gateway/src/traffic/trusted-documents';
import { contractAdditions, contractOperations } from '../scripts/contract';
import { COST_DOC_PATH, renderCostDoc, renderTrustedDocuments } from '../scripts/traffic-docs';

describe('what traffic control publishes', () => {
  it('trusts every contract operation, as gateway/trusted-documents.json holds them (`pnpm trusted-documents` rewrites it)', () => {
    const manifest = JSON.parse(readFileSync(TRUSTED_DOCUMENTS_PATH, 'utf8')) as Record<string, string>;
    expect(Object.values(manifest).sort()).toEqual([...contractOperations(), ...contractAdditions()].map((o) => o.document).sort());
    expect(readFileSync(TRUSTED_DOCUMENTS_PATH, 'utf8')).toBe(renderTrustedDocuments());
  });

  it('shows every contract operation\'s cost as docs/query-cost.md has it (`pnpm docs:cost` rewrites it)', () => {
    expect(readFileSync(COST_DOC_PATH, 'utf8')).toBe(renderCostDoc());
  });
});
