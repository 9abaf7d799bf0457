/**
 * Schema governance: what clients were promised (the released API schema, schema/released.graphql)
 * against what the graph serves now (the API schema of schema/supergraph.graphql), diffed with
 * @graphql-inspector/core.
 *
 * - A breaking change fails unless CHANGELOG.md's "## [Unreleased]" entry announces it: a bullet
 *   starting `**Breaking**` that names its schema coordinate in backticks (`Type.field`,
 *   `Type.field(arg:)`, `Enum.VALUE`, `Type`) and says `Reason:` and `Migration:`.
 * - A field or enum value may only be removed once the released schema marked it @deprecated;
 *   an announcement does not excuse skipping that step.
 * - Dangerous changes (a new enum value, an optional argument) are reported, never failed.
 * Descriptions are documentation: their changes are safe and never need an announcement.
 */
import { Supergraph } from '@apollo/federation-internals';
import { ChangeType, CriticalityLevel, diff, type Change, type Rule } from '@graphql-inspector/core';
import { buildSchema, printSchema } from 'graphql';
import { join } from 'node:path';
import { REPO_ROOT } from '../packages/runtime/src/subgraphs';

export const RELEASED_SCHEMA_PATH = join(REPO_ROOT, 'schema', 'released.graphql');
export const CHANGELOG_PATH = join(REPO_ROOT, 'CHANGELOG.md');

/** What clients can query: the supergraph's API schema (no federation machinery, no @inaccessible), printed. */
export function apiSchemaSdl(supergraphSdl: string): string {
  return printSchema(Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema());
}

const stripNonNull = (type: string) => type.replaceAll('!', '');

/**
 * Our rule on top of inspector's: an output made non-null (`String` → `String!`, `[T]` → `[T!]`)
 * is breaking too. An operation that selects the field under the same name from two types of a
 * union or interface stops validating once their nullability differs, and a null the field can
 * still produce (its subgraph failing) would now wipe out its parent instead of just itself.
 * The other direction (non-null → nullable) is breaking by inspector's own rule: typed clients
 * were generated without a null check.
 */
export const nullableOutputMadeNonNull: Rule = ({ changes }) =>
  changes.map((change) => {
    if (change.type !== ChangeType.FieldTypeChanged || change.criticality.level === CriticalityLevel.Breaking) return change;
    const { oldFieldType, newFieldType } = change.meta as { oldFieldType: string; newFieldType: string };
    if (stripNonNull(oldFieldType) !== stripNonNull(newFieldType)) return change;
    return {
      ...change,
      criticality: {
        level: CriticalityLevel.Breaking,
        reason: 'A nullable output made non-null: operations merging it with a same-named nullable field stop validating, and a null it still produces now nulls its parent.',
      },
    };
  });

/** `Type.field.arg` (inspector's path) as the coordinate a changelog names: `Type.field(arg:)`. */
export function coordinateOf(change: Change): string {
  const path = change.path ?? '';
  const parts = path.split('.');
  const argumentChange = change.type.startsWith('FIELD_ARGUMENT_');
  return argumentChange && parts.length === 3 ? `${parts[0]}.${parts[1]}(${parts[2]}:)` : path;
}

export interface BreakingAnnouncement {
  coordinates: string[];
  reason: string;
  migration: string;
}

export interface ChangelogEntry {
  announcements: BreakingAnnouncement[];
  /** Bullets marked **Breaking** that a client could not act on (no coordinate, reason or migration). */
  problems: string[];
}

const UNRELEASED_HEADING = /^## \[Unreleased\][^\n]*\n/m;

/** The body of the "## [Unreleased]" section (up to the next "## " heading). */
export function unreleasedSection(changelog: string): string {
  const heading = UNRELEASED_HEADING.exec(changelog);
  if (!heading) throw new Error('CHANGELOG.md has no "## [Unreleased]" section');
  const rest = changelog.slice(heading.index + heading[0].length);
  const next = /^## /m.exec(rest);
  return next ? rest.slice(0, next.index) : rest;
}

const COORDINATE = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*(\([A-Za-z_]\w*:\))?)?$/;

/** The breaking changes the Unreleased entry announces. */
export function parseUnreleased(changelog: string): ChangelogEntry {
  const bullets = unreleasedSection(changelog)
    .split(/^(?=- |#)/m)
    .filter((block) => block.startsWith('- '));
  const announcements: BreakingAnnouncement[] = [];
  const problems: string[] = [];
  for (const bullet of bullets) {
    if (!/^- \*\*Breaking\*\*/.test(bullet)) continue;
    const text = bullet.replace(/\s+/g, ' ').trim();
    const coordinates = [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).filter((c) => COORDINATE.test(c));
    const reason = /Reason:\s*(.*?)\s*(?=Migration:|$)/.exec(text)?.[1] ?? '';
    const migration = /Migration:\s*(.*?)\s*(?=Reason:|$)/.exec(text)?.[1] ?? '';
    const missing = [coordinates.length === 0 && 'a `Type.field` coordinate', !reason && '"Reason:"', !migration && '"Migration:"'].filter(Boolean);
    if (missing.length > 0) problems.push(`CHANGELOG.md: the Breaking bullet "${text.slice(0, 80)}…" lacks ${missing.join(', ')}`);
    else announcements.push({ coordinates, reason, migration });
  }
  return { announcements, problems };
}

export interface SchemaCheck {
  changes: Change[];
  breaking: Change[];
  dangerous: Change[];
  /** Breaking changes the Unreleased entry does not announce. */
  unannounced: Change[];
  /** Fields and enum values removed without having been deprecated in the released schema. */
  removedWithoutDeprecation: Change[];
  /** Malformed Breaking bullets. */
  problems: string[];
}

export async function diffSchemas(baselineSdl: string, currentSdl: string): Promise<Change[]> {
  return diff(buildSchema(baselineSdl), buildSchema(currentSdl), [nullableOutputMadeNonNull]);
}

export async function checkSchema(input: { baselineSdl: string; currentSdl: string; changelog: string }): Promise<SchemaCheck> {
  const changes = await diffSchemas(input.baselineSdl, input.currentSdl);
  const { announcements, problems } = parseUnreleased(input.changelog);
  const announced = new Set(announcements.flatMap((a) => a.coordinates));
  const breaking = changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking);
  return {
    changes,
    breaking,
    dangerous: changes.filter((c) => c.criticality.level === CriticalityLevel.Dangerous),
    unannounced: breaking.filter((c) => !announced.has(coordinateOf(c))),
    removedWithoutDeprecation: changes.filter(
      (c) =>
        (c.type === ChangeType.FieldRemoved && !c.meta.isRemovedFieldDeprecated) ||
        (c.type === ChangeType.EnumValueRemoved && !c.meta.isEnumValueDeprecated),
    ),
    problems,
  };
}

/** Why the check fails, one line per problem, each naming the coordinate; empty when it passes. */
export function checkFailures(check: SchemaCheck): string[] {
  return [
    ...check.removedWithoutDeprecation.map(
      (c) =>
        `${coordinateOf(c)} was removed without being deprecated in the released schema: ` +
        `release it with @deprecated(reason: "Use … instead.") first, remove it in a later release.`,
    ),
    ...check.unannounced.map(
      (c) =>
        `${coordinateOf(c)}: breaking change not announced (${c.message}). Add to "## [Unreleased]" in CHANGELOG.md: ` +
        `- **Breaking** \`${coordinateOf(c)}\` … Reason: … Migration: …`,
    ),
    ...check.problems,
  ];
}

/** Dangerous changes, reported for the reviewer: they break no operation but may surprise a client. */
export function dangerReport(check: SchemaCheck): string[] {
  return check.dangerous.map((c) => `${coordinateOf(c)}: ${c.message}${c.criticality.reason ? ` (${c.criticality.reason})` : ''}`);
}
