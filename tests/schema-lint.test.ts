import { ESLint } from 'eslint';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The repository's own eslint.config.js, as `pnpm lint:schema` runs it. */
const eslint = new ESLint({ cwd: process.cwd() });

const problems = (results: ESLint.LintResult[]) =>
  results.flatMap((r) => r.messages.map((m) => `${r.filePath.replace(`${process.cwd()}/`, '')}:${m.line} ${m.ruleId}: ${m.message}`));

describe('pnpm lint:schema', () => {
  it('passes on schema/common.graphql and every subgraph schema', async () => {
    const results = await eslint.lintFiles(['schema/common.graphql', 'subgraphs/*/schema.graphql']);
    expect(results.length).toBeGreaterThanOrEqual(7);
    expect(problems(results)).toEqual([]);
  }, 60_000);

  it('fails on a subgraph schema without descriptions or the house naming, naming each offence', async () => {
    const [result] = await eslint.lintText(readFileSync('tests/fixtures/schema-lint/undescribed.graphql', 'utf8'), {
      filePath: 'subgraphs/payments/schema.graphql',
    });
    const found = result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
    expect(found).toEqual(
      expect.arrayContaining([
        '@graphql-eslint/require-description: Description is required for type "Payment"',
        '@graphql-eslint/require-description: Description is required for field "amount" in type "Payment"',
        '@graphql-eslint/require-description: Description is required for input value "paymentId" in field "refundPayment"',
        '@graphql-eslint/require-description: Description is required for enum value "CAPTURED" in enum "PaymentStatus"',
        expect.stringMatching(/^@graphql-eslint\/naming-convention: Enum value "pending" should be in UPPER_CASE format/),
        expect.stringMatching(/^@graphql-eslint\/naming-convention: Input "RetryPaymentArgs" should have one of the following suffixes: Input or Filter/),
        'no-restricted-syntax: A mutation returns a `…Payload!` type with `userErrors`.',
        expect.stringMatching(/^@graphql-eslint\/require-deprecation-reason: /),
      ]),
    );
    // Federation's and our own directives are known: @key, @auth and the rest are not offences.
    expect(found.filter((m) => /Unknown directive/.test(m))).toEqual([]);
  }, 60_000);

  it('knows the federation directives and ours only as they are declared', async () => {
    const sdl = readFileSync('subgraphs/payments/schema.graphql', 'utf8').replace('@auth(roles: ["ADMIN"])', '@authz(roles: ["ADMIN"])');
    const [result] = await eslint.lintText(sdl, { filePath: 'subgraphs/payments/schema.graphql' });
    expect(result!.messages.map((m) => m.message)).toEqual([expect.stringMatching(/Unknown directive "@authz"/)]);
  }, 60_000);
});
