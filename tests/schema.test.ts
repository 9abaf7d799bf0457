import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import { isEnumType, isInputObjectType, isObjectType, Kind, parse, validate, visit, type GraphQLSchema } from 'graphql';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compose, SUPERGRAPH_PATH } from '../schema/compose';
import { contractAdditions, contractOperations, op } from '../scripts/contract';

const supergraphSdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
const supergraph = Supergraph.build(supergraphSdl);
const apiSchema: GraphQLSchema = supergraph.apiSchema().toGraphQLJSSchema();

/** The subgraphs the gateway's query plan for a contract operation fetches from, in plan order. */
function subgraphsAsked(operationName: string): string[] {
  const operation = operationFromDocument(supergraph.schema, parse(op(operationName)), { operationName });
  const plan = JSON.stringify(new QueryPlanner(supergraph).buildQueryPlan(operation));
  return [...plan.matchAll(/"serviceName":"(\w+)"/g)].map((m) => m[1]!);
}

describe('the composed schema', () => {
  it('composes without errors or unexpected hints, and the checked-in supergraph is current', () => {
    const { supergraphSdl: fresh, hintsThatMatter } = compose();
    expect(hintsThatMatter.map((h) => h.message)).toEqual([]);
    expect(fresh, 'schema/supergraph.graphql is stale: run `pnpm compose`').toBe(supergraphSdl);
  });

  const operations = contractOperations();
  it('has all 43 contract operations to check', () => {
    expect(operations).toHaveLength(43);
  });
  it.each(operations.map((o) => [`${o.file} ${o.name}`, o.document] as const))(
    'validates the contract operation %s',
    (_name, document) => {
      expect(validate(apiSchema, parse(document)).map((e) => e.message)).toEqual([]);
    },
  );

  it.each(contractAdditions().map((o) => [`${o.file} ${o.name}`, o.document] as const))(
    'validates the operation %s this repository adds to the contract',
    (_name, document) => {
      expect(validate(apiSchema, parse(document)).map((e) => e.message)).toEqual([]);
    },
  );

  it("answers a page of products with one fetch: stock flag, rating and store name from products' copies", () => {
    expect(subgraphsAsked('Catalog')).toEqual(['products']);
  });

  it('describes every type, field, argument and enum value clients can see', () => {
    const undescribed: string[] = [];
    for (const type of Object.values(apiSchema.getTypeMap())) {
      if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      if (!type.description) undescribed.push(type.name);
      if (isObjectType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) undescribed.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) {
            if (!arg.description) undescribed.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
      if (isEnumType(type)) {
        for (const value of type.getValues()) if (!value.description) undescribed.push(`${type.name}.${value.name}`);
      }
    }
    expect(undescribed).toEqual([]);
  });

  /**
   * The gateway serves anonymous answers with cache hints for up to 30 s, trusting that every
   * change to hinted data bumps the catalog version (packages/runtime/src/catalog-version.ts).
   * A hint on anything else would serve it stale: add a type here only when that holds for it.
   */
  it('gives cache hints to catalog data only', () => {
    const catalogTypes = ['Category', 'FacetValue', 'Money', 'PageInfo', 'PriceRangeFacet', 'Product', 'ProductConnection', 'ProductEdge', 'ProductFacets', 'RatingBucket', 'RatingSummary', 'Seller'];
    const files = ['schema/common.graphql', ...readdirSync('subgraphs').map((name) => `subgraphs/${name}/schema.graphql`)];
    const hinted = new Set<string>();
    for (const file of files) {
      let typeName = '';
      visit(parse(readFileSync(file, 'utf8')), {
        enter(node) {
          if (node.kind === Kind.OBJECT_TYPE_DEFINITION || node.kind === Kind.OBJECT_TYPE_EXTENSION) typeName = node.name.value;
          if ((node.kind === Kind.OBJECT_TYPE_DEFINITION || node.kind === Kind.OBJECT_TYPE_EXTENSION || node.kind === Kind.FIELD_DEFINITION) &&
            node.directives?.some((d) => d.name.value === 'cacheControl')) {
            hinted.add(node.kind === Kind.FIELD_DEFINITION ? `${typeName}.${node.name.value}` : typeName);
          }
        },
      });
    }
    expect([...hinted].sort()).toEqual(catalogTypes);
  });
});
