/**
 * Who may introspect the schema (INTROSPECTION). Production default: API keys (their tooling
 * generates clients from it) and operators; not anonymous callers or shoppers, to whom it would
 * only map the graph for scrapers. Development: everyone.
 */
import { isProduction, setting } from '@marketplace/runtime';
import { Kind, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Client } from './client';

export const introspectionPolicy = () => setting('INTROSPECTION') ?? (isProduction() ? 'keys-and-operators' : 'open');

export function introspectionAllowed(client: Client): boolean {
  switch (introspectionPolicy()) {
    case 'open':
      return true;
    case 'closed':
      return false;
    default:
      return client.kind === 'apiKey' || client.kind === 'operator';
  }
}

const seen = new WeakMap<OperationDefinitionNode, boolean>();

/** Whether the operation asks for `__schema` or `__type` (`__typename` is not introspection that matters). */
export function selectsIntrospection(operation: OperationDefinitionNode, document: DocumentNode): boolean {
  let found = seen.get(operation);
  if (found !== undefined) return found;
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])));
  const visited = new Set<SelectionSetNode>();
  const walk = (set: SelectionSetNode): boolean => {
    if (visited.has(set)) return false;
    visited.add(set);
    return set.selections.some((s) => {
      if (s.kind === Kind.FIELD) return s.name.value === '__schema' || s.name.value === '__type' || (s.selectionSet ? walk(s.selectionSet) : false);
      if (s.kind === Kind.INLINE_FRAGMENT) return walk(s.selectionSet);
      const fragment = fragments.get(s.name.value);
      return fragment ? walk(fragment) : false;
    });
  };
  found = walk(operation.selectionSet);
  seen.set(operation, found);
  return found;
}
