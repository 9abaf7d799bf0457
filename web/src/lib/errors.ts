/**
 * The contract's two kinds of failure, turned into what a page shows:
 * - `userErrors { field message code }`: expected business failures, shown beside the field
 *   they name (`["input", "email"]` → the form's `email` field), or above the form when no field;
 * - GraphQL errors by `extensions.code`: RATE_LIMITED (try again later), SERVICE_UNAVAILABLE
 *   (a part of the page is missing, the rest stays), UNAUTHENTICATED / FORBIDDEN, and the rest.
 */
import type { CombinedError } from 'urql';

export interface UserErrorLike {
  field?: readonly string[] | null;
  message: string;
  code: string;
}

export interface FormErrors {
  /** Messages by field name (the path without its leading `input`, joined with dots). */
  byField: Record<string, string[]>;
  /** Messages that name no field of the form. */
  general: string[];
}

export function fieldKey(path: readonly string[] | null | undefined): string | null {
  if (!path || path.length === 0) return null;
  const rest = path[0] === 'input' ? path.slice(1) : path;
  return rest.length ? rest.join('.') : null;
}

/** Groups `userErrors` by field; fields the form does not show (`knownFields`) go to `general`. */
export function formErrors(userErrors: readonly UserErrorLike[] | null | undefined, knownFields?: readonly string[]): FormErrors {
  const result: FormErrors = { byField: {}, general: [] };
  for (const error of userErrors ?? []) {
    const key = fieldKey(error.field);
    if (key && (!knownFields || knownFields.includes(key))) (result.byField[key] ??= []).push(error.message);
    else result.general.push(error.message);
  }
  return result;
}

export type ProblemKind = 'rate-limited' | 'unavailable' | 'unauthenticated' | 'forbidden' | 'network' | 'invalid' | 'other';

export interface Problem {
  kind: ProblemKind;
  message: string;
  /** RATE_LIMITED: seconds until the bucket can pay (the Retry-After header), when known. */
  retryAfterSeconds?: number;
  /** SERVICE_UNAVAILABLE: the paths of the fields that part of the graph could not provide. */
  missing?: string[];
}

const MESSAGES: Record<ProblemKind, string> = {
  'rate-limited': 'Too many requests right now. Please wait a moment and try again.',
  unavailable: 'Part of this page is temporarily unavailable; the rest is shown.',
  unauthenticated: 'Please sign in again.',
  forbidden: 'You are not allowed to do that.',
  network: 'Cannot reach the marketplace. Check your connection and try again.',
  invalid: 'The request was refused.',
  other: 'Something went wrong on our side. Please try again.',
};

function codeOf(error: { extensions?: Record<string, unknown> }): string | undefined {
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * What went wrong with an operation, most important first: a rate limit or a network failure
 * means nothing ran; missing parts mean the data that came is still worth showing.
 */
export function describeError(error: CombinedError | undefined | null): Problem | null {
  if (!error) return null;
  const codes = error.graphQLErrors.map(codeOf);
  const response = error.response as { status?: number; headers?: { get(name: string): string | null } } | undefined;
  if (codes.includes('RATE_LIMITED') || response?.status === 429) {
    const retry = Number(response?.headers?.get('retry-after'));
    const problem: Problem = { kind: 'rate-limited', message: MESSAGES['rate-limited'] };
    if (Number.isFinite(retry) && retry > 0) {
      problem.retryAfterSeconds = retry;
      problem.message = `Too many requests right now. Please try again in ${retry} s.`;
    }
    return problem;
  }
  if (error.networkError && error.graphQLErrors.length === 0) return { kind: 'network', message: MESSAGES.network };
  if (codes.includes('SERVICE_UNAVAILABLE')) {
    const missing = error.graphQLErrors
      .filter((e) => codeOf(e) === 'SERVICE_UNAVAILABLE')
      .map((e) => (e.path ?? []).join('.'))
      .filter(Boolean);
    return { kind: 'unavailable', message: MESSAGES.unavailable, missing };
  }
  if (codes.includes('UNAUTHENTICATED')) return { kind: 'unauthenticated', message: MESSAGES.unauthenticated };
  if (codes.includes('FORBIDDEN')) return { kind: 'forbidden', message: MESSAGES.forbidden };
  if (codes.some((c) => c === 'BAD_USER_INPUT' || c === 'GRAPHQL_VALIDATION_FAILED' || c === 'PERSISTED_QUERY_NOT_FOUND')) {
    return { kind: 'invalid', message: error.graphQLErrors[0]?.message ?? MESSAGES.invalid };
  }
  return { kind: 'other', message: MESSAGES.other };
}

/** Whether a field at `path` (e.g. `product.rating`) was left out because its part of the graph failed. */
export function isMissing(problem: Problem | null, path: string): boolean {
  return problem?.kind === 'unavailable' && (problem.missing ?? []).some((p) => p === path || p.startsWith(`${path}.`));
}
