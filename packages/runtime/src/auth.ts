import {
  defaultFieldResolver,
  isObjectType,
  valueFromASTUntyped,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';
import { forbidden, unauthenticated } from './errors';
import { ROLES, SCOPES, type Identity, type Role, type Scope } from './identity';

/** The arguments of an `@auth` declaration in the SDL. */
export interface AuthRule {
  public?: boolean;
  roles?: Role[];
  scopes?: Scope[];
}

type Verdict = 'ALLOWED' | 'UNAUTHENTICATED' | 'FORBIDDEN';

/** Decides a rule for an identity. Ownership is the resolver's business, on top of this. */
export function evaluateRule(identity: Identity, rule: AuthRule): Verdict {
  if (rule.public) return 'ALLOWED';
  switch (identity.kind) {
    case 'service':
      return 'ALLOWED';
    case 'anonymous':
      return 'UNAUTHENTICATED';
    case 'user':
      return identity.roles.some((r) => rule.roles?.includes(r)) ? 'ALLOWED' : 'FORBIDDEN';
    case 'apiKey':
      return rule.roles?.includes('SELLER') && identity.scopes.some((s) => rule.scopes?.includes(s))
        ? 'ALLOWED'
        : 'FORBIDDEN';
  }
}

export function assertAllowed(identity: Identity, rule: AuthRule): void {
  const verdict = evaluateRule(identity, rule);
  if (verdict === 'UNAUTHENTICATED') throw unauthenticated();
  if (verdict === 'FORBIDDEN') throw forbidden();
}

/** Reads the `@auth` rule declared on a field, validating its role and scope names. */
export function ruleOf(field: GraphQLField<unknown, unknown>): AuthRule | null {
  const directive = field.astNode?.directives?.find((d) => d.name.value === 'auth');
  if (!directive) return null;
  const args = Object.fromEntries(
    (directive.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]),
  ) as AuthRule;
  for (const role of args.roles ?? []) if (!ROLES.includes(role)) throw new Error(`@auth on ${field.name}: unknown role ${role}`);
  for (const scope of args.scopes ?? []) if (!SCOPES.includes(scope)) throw new Error(`@auth on ${field.name}: unknown scope ${scope}`);
  if (!args.public && !args.roles?.length) throw new Error(`@auth on ${field.name}: give roles or public: true`);
  return args;
}

const ROOT_TYPES = ['Query', 'Mutation', 'Subscription'];

/**
 * Enforces every `@auth` declaration of a subgraph schema by wrapping the field's resolver (and a
 * subscription's `subscribe`). Refuses to start when a root field declares no rule, so a new
 * operation cannot forget its authorization silently.
 */
export function enforceAuthRules<TContext extends { identity: Identity }>(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('_')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.name.startsWith('_')) continue;
      const rule = ruleOf(field);
      if (!rule) {
        if (ROOT_TYPES.includes(type.name)) throw new Error(`${type.name}.${field.name} declares no @auth rule`);
        continue;
      }
      if (rule.public) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (parent, args, context: TContext, info) => {
        assertAllowed(context.identity, rule);
        return resolve(parent, args, context, info);
      };
      const subscribe = field.subscribe;
      if (subscribe) {
        field.subscribe = (parent, args, context: TContext, info) => {
          assertAllowed(context.identity, rule);
          return subscribe(parent, args, context, info);
        };
      }
    }
  }
  return schema;
}

/** The signed-in account, or UNAUTHENTICATED (API keys are not accounts). */
export function requireUser(identity: Identity): Extract<Identity, { kind: 'user' }> {
  if (identity.kind === 'user') return identity;
  if (identity.kind === 'apiKey') throw forbidden('API keys cannot do this.');
  throw unauthenticated();
}

export function isAdmin(identity: Identity): boolean {
  return identity.kind === 'user' && identity.roles.includes('ADMIN');
}

/**
 * The store the caller acts for with one of `scopes`: a seller's own session (every scope) or an
 * API key holding one of them. Null otherwise.
 */
export function actingSellerId(identity: Identity, scopes: readonly Scope[]): string | null {
  if (identity.kind === 'user' && identity.roles.includes('SELLER')) return identity.sellerId;
  if (identity.kind === 'apiKey' && identity.scopes.some((s) => scopes.includes(s))) return identity.sellerId;
  return null;
}

/** Whether the caller may act for `sellerId` with one of `scopes` (operators may read any store). */
export function canActForSeller(
  identity: Identity,
  sellerId: string,
  scopes: readonly Scope[],
  opts: { adminToo?: boolean } = {},
): boolean {
  if (opts.adminToo && isAdmin(identity)) return true;
  return actingSellerId(identity, scopes) === sellerId;
}
