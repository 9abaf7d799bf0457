import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SUPERGRAPH_PATH } from '../schema/compose';
import {
  apiSchemaSdl,
  CHANGELOG_PATH,
  checkFailures,
  checkSchema,
  dangerReport,
  parseUnreleased,
  RELEASED_SCHEMA_PATH,
} from '../schema/governance';
import { release } from '../schema/release';

const released = readFileSync('tests/fixtures/schema-changes/released.graphql', 'utf8');

/** The fixture schema with one textual edit, which must apply. */
function changed(from: string, to: string): string {
  expect(released, `fixture edit "${from}"`).toContain(from);
  return released.replace(from, to);
}

const CHANGELOG_HEAD = '# Changelog\n\n';
const changelogWith = (unreleased: string) =>
  `${CHANGELOG_HEAD}## [Unreleased]\n\n${unreleased}\n\n## [1.0.0] - 2026-12-01\n\n### Added\n\n- First release.\n`;
const emptyChangelog = changelogWith('');

const failuresOf = async (currentSdl: string, changelog: string) =>
  checkFailures(await checkSchema({ baselineSdl: released, currentSdl, changelog }));

describe('the graph against its released schema', () => {
  it('has no breaking change that CHANGELOG.md does not announce, and no removal without deprecation', async () => {
    const check = await checkSchema({
      baselineSdl: readFileSync(RELEASED_SCHEMA_PATH, 'utf8'),
      currentSdl: apiSchemaSdl(readFileSync(SUPERGRAPH_PATH, 'utf8')),
      changelog: readFileSync(CHANGELOG_PATH, 'utf8'),
    });
    // Dangerous changes are for the reviewer to read, not a failure.
    for (const line of dangerReport(check)) console.warn(`dangerous schema change: ${line}`);
    expect(checkFailures(check)).toEqual([]);
  });
});

describe('CHANGELOG.md', () => {
  const changelog = readFileSync(CHANGELOG_PATH, 'utf8');
  const headings = [...changelog.matchAll(/^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$/gm)].map((m) => ({ version: m[1]!, date: m[2] }));

  it('keeps a changelog: Unreleased first, then released versions, newest first, each dated', () => {
    expect(headings[0]).toEqual({ version: 'Unreleased', date: undefined });
    const released = headings.slice(1);
    expect(released.length).toBeGreaterThan(0);
    for (const { version, date } of released) {
      expect(version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(date, `${version} has a date`).toBeDefined();
    }
    const order = (v: string) => v.split('.').map(Number).reduce((sum, part) => sum * 1000 + part, 0);
    expect(released.map((r) => r.version)).toEqual([...released.map((r) => r.version)].sort((a, b) => order(b) - order(a)));
    expect(released.map((r) => r.date)).toEqual([...released.map((r) => r.date)].sort().reverse());
  });

  it('has no malformed Breaking bullet in its Unreleased entry', () => {
    expect(parseUnreleased(changelog).problems).toEqual([]);
  });
});

describe('the breaking-change check', () => {
  const removed = changed('  """The product\'s stock-keeping unit."""\n  sku: String @deprecated(reason: "Use `variants { sku }`: every variant has its own.")\n', '');
  const argumentRequired = changed('first: Int\n', 'first: Int!\n');
  const madeNonNull = changed('brand: String\n', 'brand: String!\n');

  it('fails on a removed field, naming it', async () => {
    const failures = await failuresOf(removed, emptyChangelog);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^Product\.sku: breaking change not announced/);
  });

  it('fails on an argument made required, naming it', async () => {
    const failures = await failuresOf(argumentRequired, emptyChangelog);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^Query\.products\(first:\): breaking change not announced/);
  });

  it('fails on a nullable output made non-null, naming it', async () => {
    const failures = await failuresOf(madeNonNull, emptyChangelog);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^Product\.brand: breaking change not announced/);
  });

  it('fails on a non-null output made nullable, as @graphql-inspector/core classifies it', async () => {
    const failures = await failuresOf(changed('title: String!\n', 'title: String\n'), emptyChangelog);
    expect(failures).toEqual([expect.stringMatching(/^Product\.title: breaking change not announced/)]);
  });

  it('passes each of them once the Unreleased entry announces it with a reason and a migration', async () => {
    const announced = changelogWith(
      [
        '### Removed',
        '',
        '- **Breaking** `Product.sku` is removed.',
        '  Reason: a product has no SKU of its own.',
        '  Migration: read `variants { sku }`.',
        '',
        '### Changed',
        '',
        '- **Breaking** `Query.products(first:)` is required and `Product.brand` is never null.',
        '  Reason: unbounded pages; every product now has a brand.',
        '  Migration: pass `first`; drop null checks on `brand`.',
      ].join('\n'),
    );
    expect(await failuresOf(removed, announced)).toEqual([]);
    expect(await failuresOf(argumentRequired, announced)).toEqual([]);
    expect(await failuresOf(madeNonNull, announced)).toEqual([]);
  });

  it('announces only what the entry names: another breaking change still fails', async () => {
    const announcesBrand = changelogWith('- **Breaking** `Product.brand` is never null. Reason: all have one. Migration: none needed.');
    const both = changed('brand: String\n', 'brand: String!\n').replace('first: Int\n', 'first: Int!\n');
    expect(await failuresOf(both, announcesBrand)).toEqual([expect.stringMatching(/^Query\.products\(first:\)/)]);
  });

  it('refuses an announcement without a reason or a migration', async () => {
    const failures = await failuresOf(madeNonNull, changelogWith('- **Breaking** `Product.brand` is never null.'));
    expect(failures).toContainEqual(expect.stringMatching(/^Product\.brand: breaking change not announced/));
    expect(failures).toContainEqual(expect.stringMatching(/lacks "Reason:", "Migration:"/));
  });

  it('fails on removing a field the released schema did not deprecate, even when announced', async () => {
    const current = changed('  """Brand; null when the seller gave none."""\n  brand: String\n', '');
    const announced = changelogWith('- **Breaking** `Product.brand` is removed. Reason: unused. Migration: none.');
    expect(await failuresOf(current, announced)).toEqual([
      expect.stringMatching(/^Product\.brand was removed without being deprecated in the released schema/),
    ]);
  });

  it('fails on removing an enum value that was not deprecated, even when announced', async () => {
    const current = changed('  """Withdrawn from sale."""\n  ARCHIVED\n', '');
    const announced = changelogWith('- **Breaking** `ProductStatus.ARCHIVED` is gone. Reason: unused. Migration: none.');
    expect(await failuresOf(current, announced)).toEqual([
      expect.stringMatching(/^ProductStatus\.ARCHIVED was removed without being deprecated/),
    ]);
  });

  it('reports dangerous changes (a new enum value, a new optional argument) without failing', async () => {
    const current = changed('  ARCHIVED\n', '  ARCHIVED\n  """Sold out for good."""\n  DISCONTINUED\n').replace(
      '    first: Int\n',
      '    first: Int\n    """Only this brand."""\n    brand: String = null\n',
    );
    const check = await checkSchema({ baselineSdl: released, currentSdl: current, changelog: emptyChangelog });
    expect(checkFailures(check)).toEqual([]);
    expect(dangerReport(check).sort()).toEqual([
      expect.stringMatching(/^ProductStatus\.DISCONTINUED: /),
      expect.stringMatching(/^Query\.products\(brand:\): /),
    ]);
  });

  it('does not count description changes as changes clients must hear of', async () => {
    const current = changed('"""Brand; null when the seller gave none."""', '"""The maker\'s brand, as the seller typed it; null when none was given."""');
    const check = await checkSchema({ baselineSdl: released, currentSdl: current, changelog: emptyChangelog });
    expect(checkFailures(check)).toEqual([]);
    expect(check.breaking).toEqual([]);
  });
});

describe('pnpm schema:release', () => {
  const date = new Date('2026-12-06T10:00:00Z');
  const announced = changelogWith('### Changed\n\n- **Breaking** `Product.brand` is never null.\n  Reason: all have one.\n  Migration: drop null checks.');

  it('moves the Unreleased entry to a dated version, with the changes listed, and releases the schema', async () => {
    const current = changed('brand: String\n', 'brand: String!\n');
    const result = await release({ baselineSdl: released, currentSdl: current, changelog: announced, date });
    expect(result.version).toBe('2.0.0');
    expect(result.releasedSdl).toBe(current);
    expect(parseUnreleased(result.changelog).announcements).toEqual([]);
    const entry = result.changelog.slice(result.changelog.indexOf('## [2.0.0] - 2026-12-06'), result.changelog.indexOf('## [1.0.0]'));
    expect(entry).toContain('- **Breaking** `Product.brand` is never null.');
    expect(entry).toContain("- breaking: `Product.brand`: Field 'Product.brand' changed type from 'String' to 'String!'");
    expect(result.changelog.indexOf('## [Unreleased]')).toBeLessThan(result.changelog.indexOf('## [2.0.0]'));
  });

  it('bumps the minor version for compatible additions and the patch version for descriptions', async () => {
    const added = changed('  ARCHIVED\n', '  ARCHIVED\n  """Sold out for good."""\n  DISCONTINUED\n');
    expect((await release({ baselineSdl: released, currentSdl: added, changelog: emptyChangelog, date })).version).toBe('1.1.0');
    const reworded = changed('"""Page size."""', '"""Products per page (at most 100)."""');
    expect((await release({ baselineSdl: released, currentSdl: reworded, changelog: emptyChangelog, date })).version).toBe('1.0.1');
  });

  it('refuses to release while the check fails', async () => {
    const current = changed('brand: String\n', 'brand: String!\n');
    await expect(release({ baselineSdl: released, currentSdl: current, changelog: emptyChangelog, date })).rejects.toThrow(
      /Product\.brand: breaking change not announced/,
    );
  });
});
