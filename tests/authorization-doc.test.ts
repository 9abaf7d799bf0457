import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contractAdditions, contractOperations } from '../scripts/contract';
import { AUTHORIZATION_DOC_PATH, renderAuthorizationDoc } from './authorization/doc';
import { IDENTITIES, MATRIX } from './authorization/matrix';

describe('the authorization matrix', () => {
  it('has a row for every contract operation (and addition), and every row a cell for every identity', () => {
    const covered = new Set(MATRIX.filter((r) => !r.document).map((r) => r.operation));
    const operations = [...contractOperations(), ...contractAdditions()];
    expect(operations.map((o) => o.name).filter((name) => !covered.has(name))).toEqual([]);
    const contractNames = new Set(operations.map((o) => o.name));
    expect(MATRIX.filter((r) => !r.document && !contractNames.has(r.operation)).map((r) => r.id)).toEqual([]);
    for (const row of MATRIX) expect(Object.keys(row.expected).sort(), row.id).toEqual([...IDENTITIES].sort());
    expect(new Set(MATRIX.map((r) => r.id)).size).toBe(MATRIX.length);
  });

  it('is shown as it is in docs/authorization.md (`pnpm docs:authorization` rewrites it)', () => {
    expect(readFileSync(AUTHORIZATION_DOC_PATH, 'utf8')).toBe(renderAuthorizationDoc());
  });
});
