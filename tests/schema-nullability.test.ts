/**
 * Failure containment in the schema: a field one subgraph contributes to another subgraph's entity
 * is nullable, so that subgraph's outage (or a fetch past its deadline) nulls that field only, and
 * not, by null propagation, the whole object and the page around it.
 */
import {
  isNonNullType,
  isObjectType,
  Kind,
  parse,
  type ConstDirectiveNode,
  type ObjectTypeDefinitionNode,
} from 'graphql';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildASTSchema } from 'graphql';
import { SUPERGRAPH_PATH } from '../schema/compose';

/**
 * The subgraph that owns each entity (README, "Who owns what"): its own fields keep their
 * nullability; every other subgraph's fields on it must be nullable. A new entity gets a line.
 */
const ENTITY_OWNERS: Record<string, string> = {
  User: 'USERS',
  Seller: 'USERS',
  Product: 'PRODUCTS',
  ProductVariant: 'PRODUCTS',
  Category: 'PRODUCTS',
  Warehouse: 'INVENTORY',
  Order: 'ORDERS',
  Payment: 'PAYMENTS',
  Review: 'REVIEWS',
};

/**
 * Non-null cross-subgraph fields allowed, each with why. Keys are answered by every subgraph that
 * declares the entity (the gateway already holds them when it asks), so they are exempt by rule.
 */
const ALLOWED_NON_NULL: Record<string, string> = {};

const argument = (directive: ConstDirectiveNode, name: string) => {
  const value = directive.arguments?.find((a) => a.name.value === name)?.value;
  if (!value) return undefined;
  if (value.kind === Kind.ENUM || value.kind === Kind.STRING) return value.value;
  if (value.kind === Kind.BOOLEAN) return value.value;
  return undefined;
};

interface Violation {
  field: string;
  owner: string;
  resolvedBy: string[];
}

/**
 * Walks a supergraph: for each entity (a type with a `@join__type(key:)`), the fields its owner does
 * not resolve (per `@join__field`, external ones excluded) must be nullable unless allowed.
 */
export function nonNullCrossSubgraphFields(
  supergraphSdl: string,
  owners: Record<string, string>,
  allowed: Record<string, string>,
): { violations: Violation[]; unownedEntities: string[] } {
  const document = parse(supergraphSdl);
  const schema = buildASTSchema(document, { assumeValidSDL: true });
  const violations: Violation[] = [];
  const unownedEntities: string[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    const typeNode: ObjectTypeDefinitionNode = definition;
    const joinTypes = (typeNode.directives ?? []).filter((d) => d.name.value === 'join__type');
    const keyed = joinTypes.filter((d) => argument(d, 'key') !== undefined);
    if (keyed.length === 0) continue;
    const typeName = typeNode.name.value;
    const owner = owners[typeName];
    if (!owner) {
      unownedEntities.push(typeName);
      continue;
    }
    const declaringGraphs = joinTypes.map((d) => String(argument(d, 'graph')));
    const keyFields = new Set(keyed.flatMap((d) => String(argument(d, 'key')).split(/\s+/)));
    const type = schema.getType(typeName);
    if (!isObjectType(type)) continue;
    for (const fieldNode of typeNode.fields ?? []) {
      const name = fieldNode.name.value;
      if (keyFields.has(name)) continue;
      const joinFields = (fieldNode.directives ?? []).filter((d) => d.name.value === 'join__field');
      const resolvedBy =
        joinFields.length === 0
          ? declaringGraphs
          : joinFields.filter((d) => argument(d, 'external') !== true).map((d) => String(argument(d, 'graph')));
      if (resolvedBy.includes(owner)) continue;
      const coordinate = `${typeName}.${name}`;
      if (isNonNullType(type.getFields()[name]!.type) && !(coordinate in allowed)) {
        violations.push({ field: coordinate, owner, resolvedBy });
      }
    }
  }
  return { violations, unownedEntities };
}

describe("the supergraph's nullability", () => {
  it('makes every field a subgraph contributes to another subgraph’s entity nullable', () => {
    const { violations, unownedEntities } = nonNullCrossSubgraphFields(
      readFileSync(SUPERGRAPH_PATH, 'utf8'),
      ENTITY_OWNERS,
      ALLOWED_NON_NULL,
    );
    expect(unownedEntities, 'entities without an owner in ENTITY_OWNERS').toEqual([]);
    expect(violations.map((v) => v.field)).toEqual([]);
  });

  it('is caught when a contributed field is non-null (fixture)', () => {
    const fixture = `
      directive @join__type(graph: join__Graph!, key: String) repeatable on OBJECT
      directive @join__field(graph: join__Graph, external: Boolean) repeatable on FIELD_DEFINITION
      enum join__Graph { PRODUCTS REVIEWS INVENTORY }
      type Query @join__type(graph: PRODUCTS) { product(id: ID!): Product @join__field(graph: PRODUCTS) }
      type RatingSummary @join__type(graph: REVIEWS) { count: Int! }
      type Product
        @join__type(graph: PRODUCTS, key: "id")
        @join__type(graph: REVIEWS, key: "id")
        @join__type(graph: INVENTORY, key: "id")
      {
        id: ID!
        title: String! @join__field(graph: PRODUCTS)
        rating: RatingSummary! @join__field(graph: REVIEWS)
        inStock: Boolean! @join__field(graph: INVENTORY) @join__field(graph: PRODUCTS, external: true)
        reviewCount: Int @join__field(graph: REVIEWS)
      }
    `;
    const found = nonNullCrossSubgraphFields(fixture, { Product: 'PRODUCTS' }, {});
    // title is the owner's own, reviewCount is nullable, id is a key; a field products only holds
    // as @external is still inventory's.
    expect(found.violations.map((v) => v.field)).toEqual(['Product.rating', 'Product.inStock']);
    expect(nonNullCrossSubgraphFields(fixture, { Product: 'PRODUCTS' }, { 'Product.rating': 'fixture' }).violations)
      .toHaveLength(1);
    expect(nonNullCrossSubgraphFields(fixture, {}, {}).unownedEntities).toEqual(['Product']);
  });
});
