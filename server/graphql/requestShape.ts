import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';
import { Kind } from './graphqlModule.js';

/**
 * mercurius reads a query that is not GraphQL but JSON (`"42"`, `"[1]"`) as an already parsed
 * document, and graphql-js then fails inside validation (an internal error). Such a query is the
 * client's mistake: answer it as an invalid query.
 */
export function refuseNonDocuments(app: FastifyInstance): void {
  app.graphql.addHook('preValidation', async (_schema, document) => {
    const doc = document as { kind?: unknown; definitions?: unknown } | null;
    if (!doc || typeof doc !== 'object' || doc.kind !== Kind.DOCUMENT || !Array.isArray(doc.definitions)) {
      throw new AppError('GRAPHQL_VALIDATION_FAILED', '查询语句无效：不是 GraphQL 文档');
    }
  });
}
