import { GraphQLScalarType, Kind } from './graphqlModule.js';

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
    if (ast.kind !== Kind.STRING) throw new TypeError('日期时间格式无效');
    const date = new Date(ast.value);
    if (Number.isNaN(date.getTime())) throw new TypeError('日期时间格式无效');
    return date;
  },
});
