import { GraphQLScalarType, Kind } from 'graphql';
import { badUserInput } from './errors';

function toIso(value: unknown): string {
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) throw badUserInput('DateTime must be an ISO-8601 timestamp.');
  return date.toISOString();
}

/** `DateTime`: ISO-8601 in UTC on the wire; resolvers may return a Date or a string. */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  serialize: toIso,
  parseValue: toIso,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw badUserInput('DateTime must be a string.');
    return toIso(ast.value);
  },
});
