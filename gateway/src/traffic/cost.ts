/**
 * Query cost, calculated from the composed supergraph before an operation runs, and counted again
 * from its answer after (Shopify's requested and actual cost; Apollo Router's demand control).
 *
 * - A field weighs its `@cost(weight:)`, else its type's `@cost`, else 1 when it returns an object
 *   (or a list of them) and 0 when it returns a scalar or an enum. A mutation's root field without
 *   `@cost` weighs TRAFFIC_MUTATION_WEIGHT.
 * - A list field multiplies what its items' selection costs by its size: the largest of its
 *   `@listSize(slicingArguments:)` given (or their defaults), else `@listSize(assumedSize:)`, else
 *   TRAFFIC_ASSUMED_LIST_SIZE. With `sizedFields`, the size applies to those child fields instead
 *   (a connection's `edges`).
 * - The actual cost walks the answer with the same weights, counting the list items really there.
 *
 * An operation is compiled once per document (a tree of weighted fields whose sizes may depend on
 * variables) and the tree kept: pricing a request is then a walk over a few dozen nodes.
 */
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  isObjectType,
  isInterfaceType,
  parse,
  valueFromASTUntyped,
} from 'graphql';
import { setting } from '@marketplace/runtime';

interface ListSize {
  assumedSize?: number;
  slicingArguments?: string[];
  sizedFields?: string[];
}

/** `@cost` and `@listSize` as the supergraph declares them, by `Type.field` (and `@cost` by type). */
interface Demand {
  fieldWeight: Map<string, number>;
  typeWeight: Map<string, number>;
  listSize: Map<string, ListSize>;
}

/** How many items a list field is priced at: fixed, or the largest of some arguments. */
type Size = number | { arguments: { variable?: string; value?: number }[]; fallback: number };

export interface CostNode {
  responseKey: string;
  weight: number;
  /** Items the field is priced at when it is a list (undefined: not a list). */
  size?: Size;
  /** The selection under the field, priced per item when it is a list. */
  children: CostNode[];
}

export interface CompiledCost {
  /** The root fields of the operation. */
  fields: CostNode[];
}

function argumentOf(directive: DirectiveNode, name: string): ValueNode | undefined {
  return directive.arguments?.find((a) => a.name.value === name)?.value;
}

/** Reads `@cost` / `@listSize` from the supergraph's own text: the API schema does not keep them. */
function readDemand(supergraphSdl: string): Demand {
  const demand: Demand = { fieldWeight: new Map(), typeWeight: new Map(), listSize: new Map() };
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION && definition.kind !== Kind.SCALAR_TYPE_DEFINITION && definition.kind !== Kind.ENUM_TYPE_DEFINITION) continue;
    const typeName = definition.name.value;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value === 'cost') demand.typeWeight.set(typeName, Number(valueFromASTUntyped(argumentOf(directive, 'weight')!)));
    }
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    for (const field of definition.fields ?? []) {
      const coordinate = `${typeName}.${field.name.value}`;
      for (const directive of field.directives ?? []) {
        if (directive.name.value === 'cost') {
          demand.fieldWeight.set(coordinate, Number(valueFromASTUntyped(argumentOf(directive, 'weight')!)));
        } else if (directive.name.value === 'listSize') {
          const value = (name: string) => {
            const node = argumentOf(directive, name);
            return node ? valueFromASTUntyped(node) : undefined;
          };
          demand.listSize.set(coordinate, {
            assumedSize: value('assumedSize') as number | undefined,
            slicingArguments: value('slicingArguments') as string[] | undefined,
            sizedFields: value('sizedFields') as string[] | undefined,
          });
        }
      }
    }
  }
  return demand;
}

export class CostCalculator {
  private readonly demand: Demand;
  private readonly compiled = new WeakMap<OperationDefinitionNode, CompiledCost>();

  constructor(
    private readonly schema: GraphQLSchema,
    supergraphSdl: string,
  ) {
    this.demand = readDemand(supergraphSdl);
  }

  /** The operation's cost tree, compiled on first sight of its document and kept with it. */
  compile(document: DocumentNode, operation: OperationDefinitionNode): CompiledCost {
    let compiled = this.compiled.get(operation);
    if (compiled) return compiled;
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    const root = operation.operation === 'query' ? this.schema.getQueryType() : operation.operation === 'mutation' ? this.schema.getMutationType() : this.schema.getSubscriptionType();
    const isMutation = operation.operation === 'mutation';
    compiled = { fields: root ? this.selection(root, operation.selectionSet, fragments, isMutation, undefined) : [] };
    this.compiled.set(operation, compiled);
    return compiled;
  }

  /** The cost the operation asks for, with these variables. */
  requested(compiled: CompiledCost, variables: Record<string, unknown> | undefined): number {
    return sumRequested(compiled.fields, variables ?? {});
  }

  /** The cost of what the answer holds: the same weights, lists counted as returned. */
  actual(compiled: CompiledCost, data: Record<string, unknown> | null | undefined): number {
    return data ? sumActual(compiled.fields, data) : 0;
  }

  private field(parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
    if (name === '__typename') return TypeNameMetaFieldDef;
    if (parent === this.schema.getQueryType()) {
      if (name === '__schema') return SchemaMetaFieldDef;
      if (name === '__type') return TypeMetaFieldDef;
    }
    return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
  }

  private selection(
    parent: GraphQLCompositeType,
    selectionSet: SelectionSetNode,
    fragments: Map<string, FragmentDefinitionNode>,
    isMutationRoot: boolean,
    sizedFields: { names: string[]; size: Size } | undefined,
  ): CostNode[] {
    // Fields with the same response key are one field in the answer (fragments merge): priced once.
    const byKey = new Map<string, CostNode>();
    const visit = (type: GraphQLCompositeType, set: SelectionSetNode) => {
      for (const selection of set.selections) {
        if (selection.kind === Kind.FRAGMENT_SPREAD) {
          const fragment = fragments.get(selection.name.value);
          if (fragment) visit(this.typeNamed(fragment.typeCondition.name.value) ?? type, fragment.selectionSet);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          visit(selection.typeCondition ? (this.typeNamed(selection.typeCondition.name.value) ?? type) : type, selection.selectionSet);
        } else {
          const node = this.fieldNode(type, selection, fragments, isMutationRoot, sizedFields);
          const known = byKey.get(node.responseKey);
          if (!known) byKey.set(node.responseKey, node);
          else {
            // Abstract types: the same key on several branches costs what its dearest branch costs.
            known.weight = Math.max(known.weight, node.weight);
            known.children = mergeChildren(known.children, node.children);
          }
        }
      }
    };
    visit(parent, selectionSet);
    return [...byKey.values()];
  }

  private typeNamed(name: string): GraphQLCompositeType | undefined {
    const type = this.schema.getType(name);
    return type && isCompositeType(type) ? type : undefined;
  }

  private fieldNode(
    parent: GraphQLCompositeType,
    node: FieldNode,
    fragments: Map<string, FragmentDefinitionNode>,
    isMutationRoot: boolean,
    sizedFields: { names: string[]; size: Size } | undefined,
  ): CostNode {
    const responseKey = node.alias?.value ?? node.name.value;
    const definition = this.field(parent, node.name.value);
    if (!definition) return { responseKey, weight: 0, children: [] };
    const coordinate = `${parent.name}.${node.name.value}`;
    const namedType = getNamedType(definition.type);
    const composite = isCompositeType(namedType);
    const weight =
      this.demand.fieldWeight.get(coordinate) ??
      this.demand.typeWeight.get(namedType.name) ??
      (isMutationRoot ? setting('TRAFFIC_MUTATION_WEIGHT') : composite ? 1 : 0);

    const listSize = this.demand.listSize.get(coordinate);
    let size: Size | undefined;
    if (sizedFields?.names.includes(node.name.value)) size = sizedFields.size;
    else if (isListType(getNullableType(definition.type)) && !listSize?.sizedFields) size = this.sizeOf(definition, node, listSize);
    const childSized = listSize?.sizedFields ? { names: listSize.sizedFields, size: this.sizeOf(definition, node, listSize) } : undefined;

    const children = composite && node.selectionSet ? this.selection(namedType as GraphQLCompositeType, node.selectionSet, fragments, false, childSized) : [];
    return { responseKey, weight, size, children };
  }

  private sizeOf(definition: GraphQLField<unknown, unknown>, node: FieldNode, listSize: ListSize | undefined): Size {
    const fallback = listSize?.assumedSize ?? setting('TRAFFIC_ASSUMED_LIST_SIZE');
    if (!listSize?.slicingArguments?.length) return fallback;
    const args: { variable?: string; value?: number }[] = [];
    for (const name of listSize.slicingArguments) {
      const given = node.arguments?.find((a) => a.name.value === name)?.value;
      const declared = definition.args.find((a) => a.name === name);
      const byDefault = typeof declared?.defaultValue === 'number' ? declared.defaultValue : undefined;
      if (given?.kind === Kind.VARIABLE) args.push({ variable: given.name.value, value: byDefault });
      else if (given?.kind === Kind.INT) args.push({ value: Number(given.value) });
      else if (byDefault !== undefined) args.push({ value: byDefault });
    }
    if (args.length === 0) return fallback;
    if (args.every((a) => a.variable === undefined)) return Math.max(...args.map((a) => a.value!));
    return { arguments: args, fallback };
  }
}

function mergeChildren(a: CostNode[], b: CostNode[]): CostNode[] {
  const byKey = new Map(a.map((n) => [n.responseKey, n]));
  for (const n of b) {
    const known = byKey.get(n.responseKey);
    if (!known) byKey.set(n.responseKey, n);
    else byKey.set(n.responseKey, { ...known, weight: Math.max(known.weight, n.weight), children: mergeChildren(known.children, n.children) });
  }
  return [...byKey.values()];
}

function resolveSize(size: Size, variables: Record<string, unknown>): number {
  if (typeof size === 'number') return size;
  let largest: number | undefined;
  for (const a of size.arguments) {
    const given = a.variable === undefined ? a.value : variables[a.variable];
    const value = typeof given === 'number' && Number.isFinite(given) ? given : a.value;
    if (value !== undefined) largest = Math.max(largest ?? 0, value);
  }
  return Math.max(0, largest ?? size.fallback);
}

function sumRequested(nodes: CostNode[], variables: Record<string, unknown>): number {
  let total = 0;
  for (const node of nodes) {
    const perItem = node.weight + sumRequested(node.children, variables);
    total += node.size === undefined ? perItem : perItem * resolveSize(node.size, variables);
  }
  return total;
}

function sumActual(nodes: CostNode[], data: Record<string, unknown>): number {
  let total = 0;
  for (const node of nodes) {
    if (!(node.responseKey in data)) continue;
    total += actualOf(node, data[node.responseKey]);
  }
  return total;
}

function actualOf(node: CostNode, value: unknown): number {
  if (value === null || value === undefined) return node.weight;
  if (Array.isArray(value)) {
    let total = 0;
    for (const item of value) total += actualOf(node, item);
    return total;
  }
  return node.weight + (typeof value === 'object' ? sumActual(node.children, value as Record<string, unknown>) : 0);
}
