import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { logger } from './logger';

/** `extensions.code` of GraphQL errors we raise on purpose. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

export function graphqlError(code: ErrorCode, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}
export const unauthenticated = (message = 'Sign in to do this.') => graphqlError('UNAUTHENTICATED', message);
export const forbidden = (message = 'You may not do this.') => graphqlError('FORBIDDEN', message);
export const badUserInput = (message: string) => graphqlError('BAD_USER_INPUT', message);

/** Codes whose message is meant for the client; every other error is masked. */
const CLIENT_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'RATE_LIMITED',
  // A part of the graph down, slow past its deadline or behind an open circuit: the rest answered.
  'SERVICE_UNAVAILABLE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_NOT_IN_LIST',
]);

/** Extensions a client error keeps besides its code: how long a rate-limited client should wait. */
const CLIENT_DETAILS = ['retryAfterMs'] as const;

/**
 * Apollo's formatError for every server: known client errors keep their message and code only;
 * anything else (a bug, SQL, an unreachable host) becomes a bare internal error and is logged.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && CLIENT_CODES.has(code)) {
    const extensions: Record<string, unknown> = { code };
    for (const detail of CLIENT_DETAILS) if (formatted.extensions?.[detail] !== undefined) extensions[detail] = formatted.extensions[detail];
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions };
  }
  logger.error({ err: unwrapResolverError(error), path: formatted.path }, 'internal error');
  return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
