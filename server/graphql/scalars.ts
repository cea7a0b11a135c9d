import { GraphQLError, GraphQLScalarType, Kind } from './graphqlModule.js';

// A literal in the query: a GraphQLError is reported as it is (a plain Error would read as internal).
const invalidLiteral = () => new GraphQLError('参数无效：日期时间格式无效，应为 ISO 8601，例如 2026-12-01T08:00:00Z', { extensions: { code: 'BAD_USER_INPUT' } });

/** DateTime: ISO 8601 in UTC on the wire. */
export const DateTime = new GraphQLScalarType({
  name: 'DateTime',
  serialize: (value) => (value instanceof Date ? value : new Date(value as string)).toISOString(),
  parseValue: (value) => {
    const date = new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new TypeError('日期时间格式无效');
    return date;
  },
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw invalidLiteral();
    const date = new Date(ast.value);
    if (Number.isNaN(date.getTime())) throw invalidLiteral();
    return date;
  },
});
