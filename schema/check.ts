/**
 * `pnpm schema:check`: the current API schema against the released one (schema/governance.ts),
 * printed for a reviewer: every change by criticality, then why the check fails, if it does.
 * tests/schema-changes.test.ts runs the same check in the test suite.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SUPERGRAPH_PATH } from './compose';
import { apiSchemaSdl, CHANGELOG_PATH, checkFailures, checkSchema, coordinateOf, RELEASED_SCHEMA_PATH } from './governance';

if (!existsSync(RELEASED_SCHEMA_PATH)) {
  console.error('schema/released.graphql is missing: run `pnpm schema:release` for the first release.');
  process.exit(1);
}
const check = await checkSchema({
  baselineSdl: readFileSync(RELEASED_SCHEMA_PATH, 'utf8'),
  currentSdl: apiSchemaSdl(readFileSync(SUPERGRAPH_PATH, 'utf8')),
  changelog: readFileSync(CHANGELOG_PATH, 'utf8'),
});
for (const change of check.changes) console.log(`${change.criticality.level.padEnd(12)} ${coordinateOf(change)}: ${change.message}`);
if (check.changes.length === 0) console.log('The API schema is the released one.');
const failures = checkFailures(check);
for (const failure of failures) console.error(`FAIL ${failure}`);
if (check.unannounced.length > 0) {
  // A starting point for the announcement: one bullet per kind of change, every coordinate named.
  const byKind = new Map<string, typeof check.unannounced>();
  for (const change of check.unannounced) byKind.set(change.type, [...(byKind.get(change.type) ?? []), change]);
  console.error('\nTo announce them, complete and add under "## [Unreleased]" in CHANGELOG.md:\n');
  for (const [kind, changes] of byKind) {
    console.error(`- **Breaking** ${kind.toLowerCase().replaceAll('_', ' ')}: ${changes.map((c) => `\`${coordinateOf(c)}\``).join(', ')}.`);
    console.error('  Reason: …\n  Migration: …');
  }
}
process.exit(failures.length > 0 ? 1 : 0);
