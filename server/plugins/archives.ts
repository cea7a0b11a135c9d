import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MikroORM } from '@mikro-orm/postgresql';
import { AppError } from '../errors.js';
import type { Deps } from '../modules/context.js';
import { openArchiveLink } from '../modules/archives/service.js';
import { attachmentDisposition } from '../storage/objectStore.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { replyUnavailable } from '../http/unavailable.js';

/** Archive downloads on the disk store: the short signed link made by `archiveDownloadLink` (S3 serves its own presigned one). */
export async function registerArchives(app: FastifyInstance, orm: MikroORM, deps: Deps): Promise<void> {
  app.get('/archives/link/:id', async (request: FastifyRequest<{ Params: { id: string }; Querystring: { e?: string; s?: string } }>, reply) => {
    try {
      const file = await openArchiveLink(orm.em.fork(), deps, request.params.id, request.query.e, request.query.s);
      return reply
        .header('content-type', 'application/zip')
        .header('content-length', String(file.size))
        .header('content-disposition', attachmentDisposition(file.name))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .send(file.body);
    } catch (error) {
      if (error instanceof AppError) return reply.code(404).send({ errors: [{ message: error.message, extensions: error.extensions }] });
      if (isDatabaseUnavailable(error)) return replyUnavailable(reply, error);
      reply.log.error({ err: error }, 'archive download failed');
      return reply.code(500).send({ errors: [{ message: '服务器内部错误，请稍后重试', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    }
  });
}
