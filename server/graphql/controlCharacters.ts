import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';
import { GraphQLError, Kind, type ASTVisitor, type ValidationContext } from './graphqlModule.js';

/**
 * PostgreSQL cannot store NUL in text, and no field of Jiaoliu needs other C0 controls than
 * tab and line breaks. Refusing them at the GraphQL boundary keeps every mutation and search
 * from reaching SQL with them (they used to surface as INTERNAL_SERVER_ERROR).
 */
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const MESSAGE = '输入内容含有不允许的控制字符';

function containsForbidden(value: unknown, depth = 0): boolean {
  if (depth > 20) return false;
  if (typeof value === 'string') return FORBIDDEN.test(value);
  if (Array.isArray(value)) return value.some((v) => containsForbidden(v, depth + 1));
  if (value && typeof value === 'object') return Object.values(value).some((v) => containsForbidden(v, depth + 1));
  return false;
}

/** Validation rule for string literals written into the query itself. */
export function noControlCharactersRule(context: ValidationContext): ASTVisitor {
  return {
    [Kind.STRING](node) {
      if (FORBIDDEN.test(node.value)) context.reportError(new GraphQLError(MESSAGE, { nodes: [node], extensions: { code: 'BAD_USER_INPUT' } }));
    },
  };
}

/** The same check for variables, before execution. */
export function refuseControlCharactersInVariables(app: FastifyInstance): void {
  app.graphql.addHook('preExecution', async (_schema, _document, _context, variables) => {
    if (containsForbidden(variables)) throw new AppError('BAD_USER_INPUT', MESSAGE);
  });
}
