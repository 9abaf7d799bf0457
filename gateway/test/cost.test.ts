/** The cost calculator on a small schema of its own: every rule of README "Traffic control", one by one. */
import { buildSchema, getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CostCalculator } from '../src/traffic/cost';

const SDL = `
  directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR
  directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
  type Query {
    product(id: ID!): Product
    search(first: Int = 20, last: Int): ProductConnection! @cost(weight: 10) @listSize(slicingArguments: ["first", "last"], sizedFields: ["edges"], requireOneSlicingArgument: false)
    categories: [Category!]! @listSize(assumedSize: 100)
    tags: [Tag!]!
    node(id: ID!): Node
  }
  type Mutation { rename(id: ID!): Product  buy(id: ID!): Product @cost(weight: 50) }
  interface Node { id: ID! }
  type Product implements Node { id: ID! title: String! variants: [Variant!]! }
  type Variant implements Node { id: ID! sku: String! product: Product! }
  type Category { id: ID! }
  type Tag @cost(weight: 3) { name: String! }
  type ProductConnection { totalCount: Int! edges: [ProductEdge!]! }
  type ProductEdge { cursor: String! node: Product! }
`;
const calculator = new CostCalculator(buildSchema(SDL), SDL);

function cost(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  return calculator.requested(calculator.compile(document, getOperationAST(document)!), variables);
}
function actual(query: string, data: Record<string, unknown>) {
  const document = parse(query);
  return calculator.actual(calculator.compile(document, getOperationAST(document)!), data);
}

describe('query cost', () => {
  it('weighs objects 1, scalars 0, and an object type its own @cost', () => {
    expect(cost('{ product(id: "1") { id title } }')).toBe(1);
    expect(cost('{ tags { name } }')).toBe(3 * 5); // assumed list size 5 (TRAFFIC_ASSUMED_LIST_SIZE default)
  });

  it('multiplies a list by @listSize: assumed size, or the largest slicing argument given, by variable or default', () => {
    expect(cost('{ categories { id } }')).toBe(100);
    expect(cost('{ product(id: "1") { variants { id } } }')).toBe(1 + 5);
    // search: 10 for the field, edges (1 + node 1) × first.
    expect(cost('{ search { totalCount edges { node { id } } } }')).toBe(10 + 20 * 2);
    expect(cost('{ search(first: 3) { edges { node { id } } } }')).toBe(10 + 3 * 2);
    expect(cost('query ($n: Int) { search(first: $n) { edges { node { id } } } }', { n: 50 })).toBe(10 + 50 * 2);
    expect(cost('query ($n: Int) { search(first: $n) { edges { node { id } } } }')).toBe(10 + 20 * 2);
    expect(cost('query ($n: Int) { search(first: 2, last: $n) { edges { cursor } } }', { n: 7 })).toBe(10 + 7);
  });

  it('weighs mutations 10 unless they say otherwise', () => {
    expect(cost('mutation { rename(id: "1") { id } }')).toBe(10);
    expect(cost('mutation { buy(id: "1") { id } a: rename(id: "2") { id } }')).toBe(60);
  });

  it('prices fragments and aliases as the answer will hold them: merged fields once, aliases apart, the dearest branch of an abstract type', () => {
    expect(cost('{ product(id: "1") { ...F ...F } } fragment F on Product { variants { id } }')).toBe(1 + 5);
    expect(cost('{ a: product(id: "1") { id } b: product(id: "2") { id } }')).toBe(2);
    expect(cost('{ node(id: "1") { ... on Product { variants { id } } ... on Variant { product { id } } } }')).toBe(1 + 5 + 1);
  });

  it('counts the actual cost from the answer: the items really there, a null object once', () => {
    const query = '{ search(first: 10) { edges { node { id variants { id } } } } }';
    expect(cost(query)).toBe(10 + 10 * (2 + 5));
    const data = { search: { edges: [{ node: { id: '1', variants: [{ id: 'a' }] } }, { node: { id: '2', variants: [] } }] } };
    expect(actual(query, data)).toBe(10 + 2 * 2 + 1);
    expect(actual('{ product(id: "1") { id } }', { product: null })).toBe(1);
  });
});
