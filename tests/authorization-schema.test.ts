/**
 * Every seller-facing field of the composed graph declares who may use it (`@auth`, composed into
 * the supergraph with @composeDirective and enforced from there by each subgraph), so a new field
 * cannot forget its rule silently.
 *
 * "Seller-facing", precisely:
 * 1. every root field (Query, Mutation, Subscription): each is an entry point;
 * 2. every field of `Seller`: the store type, where every subgraph hangs store data, public
 *    (store name, rating) or private (orders, revenue, low stock, keys);
 * 3. every field of a type holding a field that customers may not use (a rule without CUSTOMER
 *    and without `public`), such as `VariantStock` (public `available`, the store's `onHand`): a
 *    type that mixes public and store data says which is which, field by field;
 * 4. every field of a type only sellers and operators can reach: a type reachable from the roots
 *    only through fields whose rule is closed to customers (`ApiKey`, `Warehouse`,
 *    `WarehouseStock`, `LowStockAlert`), except mutation payloads, which are returned by their
 *    mutation only and covered by its rule (checked below).
 * Entity keys (`Seller.id`) are left out: an id is what the caller already holds.
 */
import { buildSchema, getNamedType, isAbstractType, isObjectType, valueFromASTUntyped, type GraphQLField, type GraphQLNamedType, type GraphQLObjectType } from 'graphql';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SUPERGRAPH_PATH } from '../schema/compose';

const ROOTS = ['Query', 'Mutation', 'Subscription'];
type Field = GraphQLField<unknown, unknown>;

function ruleOf(field: Field): { public?: boolean; roles?: string[]; scopes?: string[] } | null {
  const directive = field.astNode?.directives?.find((d) => d.name.value === 'auth');
  if (!directive) return null;
  return Object.fromEntries((directive.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
}
/** Open to customers: public, a rule naming CUSTOMER, or no rule of its own (as open as its parent). */
function openToCustomers(field: Field): boolean {
  const rule = ruleOf(field);
  return !rule || Boolean(rule.public) || Boolean(rule.roles?.includes('CUSTOMER'));
}
/** The fields of an entity's `@key`s, from the supergraph's `@join__type(key: "…")`. */
function keyFields(type: GraphQLObjectType): string[] {
  return (type.astNode?.directives ?? [])
    .filter((d) => d.name.value === 'join__type')
    .flatMap((d) => d.arguments?.filter((a) => a.name.value === 'key').map((a) => String(valueFromASTUntyped(a.value)).split(/\s+/)) ?? [])
    .flat();
}

/** Walks a supergraph: its seller-facing fields (as `Type.field`), and the payload types it leaves out. */
function walk(supergraphSdl: string) {
  const schema = buildSchema(supergraphSdl, { assumeValidSDL: true });
  // The graph's own object types, not federation's or the link spec's.
  const objectTypes = Object.values(schema.getTypeMap()).filter(
    (t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith('_') && !t.name.startsWith('join__') && !t.name.startsWith('link__'),
  );

  /** Types reachable from the roots through the fields `follow` accepts. */
  const reachable = (follow: (field: Field) => boolean): Set<string> => {
    const seen = new Set<string>(ROOTS);
    const queue = ROOTS.map((n) => schema.getType(n)).filter((t): t is GraphQLNamedType => Boolean(t));
    while (queue.length) {
      const type = queue.pop()!;
      for (const t of isAbstractType(type) ? schema.getPossibleTypes(type) : [type]) {
        if (!isObjectType(t)) continue;
        for (const field of Object.values(t.getFields())) {
          const next = getNamedType(field.type);
          if (!follow(field) || seen.has(next.name)) continue;
          seen.add(next.name);
          queue.push(next);
        }
      }
    }
    return seen;
  };
  const everywhere = reachable(() => true);
  const customersReach = reachable(openToCustomers);
  const storeAndOperatorTypes = objectTypes.filter((t) => everywhere.has(t.name) && !customersReach.has(t.name) && !ROOTS.includes(t.name));
  const mutationPayloads = storeAndOperatorTypes.filter((t) => t.name.endsWith('Payload'));
  const mixedTypes = objectTypes.filter((t) => !ROOTS.includes(t.name) && Object.values(t.getFields()).some((f) => ruleOf(f) && !openToCustomers(f)));

  const fields = new Map<string, Field>();
  const all = (t: GraphQLObjectType) =>
    Object.values(t.getFields())
      .filter((f) => !f.name.startsWith('_') && !keyFields(t).includes(f.name))
      .forEach((f) => fields.set(`${t.name}.${f.name}`, f));
  for (const root of ROOTS) all(schema.getType(root) as GraphQLObjectType);
  all(schema.getType('Seller') as GraphQLObjectType);
  mixedTypes.forEach(all);
  storeAndOperatorTypes.filter((t) => !mutationPayloads.includes(t)).forEach(all);

  const returnedOutsideMutations = mutationPayloads.filter((payload) =>
    objectTypes.some((owner) => owner.name !== 'Mutation' && Object.values(owner.getFields()).some((f) => getNamedType(f.type) === payload)),
  );
  return {
    sellerFacing: [...fields.keys()].sort(),
    undeclared: [...fields].filter(([, f]) => !ruleOf(f)).map(([name]) => name).sort(),
    payloadsReturnedOutsideMutations: returnedOutsideMutations.map((t) => t.name),
  };
}

describe('seller-facing fields of the composed schema', () => {
  const supergraph = readFileSync(SUPERGRAPH_PATH, 'utf8');
  const composed = walk(supergraph);

  it('each declare an @auth rule', () => {
    expect(composed.undeclared).toEqual([]);
  });

  it('cover the store’s dashboard, its keys, its stock details and warehouses (the definition finds what it should)', () => {
    expect(composed.sellerFacing).toEqual(
      expect.arrayContaining([
        'Query.mySeller', 'Mutation.createApiKey', 'Subscription.lowStockAlert',
        'Seller.storeName', 'Seller.products', 'Seller.lowStock', 'Seller.orders', 'Seller.revenue', 'Seller.rating', 'Seller.apiKeys',
        'VariantStock.onHand', 'VariantStock.available', 'ApiKey.prefix', 'Warehouse.code', 'WarehouseStock.onHand', 'LowStockAlert.threshold',
      ]),
    );
  });

  it('leave out only mutation payloads, which no other field returns', () => {
    expect(composed.payloadsReturnedOutsideMutations).toEqual([]);
  });

  it('would catch a new store field, a new stock detail or a new key field that forgets its rule', () => {
    const forgetful = supergraph
      .replace(/(\n\s+revenue: Money.*?) @auth\([^)]*\)/, '$1')
      .replace(/(\n\s+onHand: Int!.*?) @auth\([^)]*\)/, '$1')
      .replace(/(\n\s+prefix: String!.*?) @auth\([^)]*\)/, '$1');
    expect(walk(forgetful).undeclared).toEqual(['ApiKey.prefix', 'Seller.revenue', 'VariantStock.onHand']);
  });
});
