import { Supergraph } from '@apollo/federation-internals';
import { isEnumType, isInputObjectType, isObjectType, parse, validate, type GraphQLSchema } from 'graphql';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compose, SUPERGRAPH_PATH } from '../schema/compose';
import { contractOperations } from '../scripts/contract';

const supergraphSdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
const apiSchema: GraphQLSchema = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();

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
});
