import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import type { MikroORM } from '@mikro-orm/postgresql';
import { AppError, badInput, unauthenticated } from '../errors.js';
import { buildContext } from '../graphql/context.js';
import { limitRequest } from '../edge/limitsPlugin.js';
import type { Deps } from '../modules/context.js';
import { openDownload, type DownloadFile } from '../modules/documents/download.js';
import { uploadDocument, type UploadTarget } from '../modules/documents/upload.js';
import { attachmentDisposition } from '../storage/objectStore.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { replyUnavailable } from '../http/unavailable.js';
import { refuseUntilPasswordChanged } from '../graphql/passwordChange.js';

const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  PASSWORD_CHANGE_REQUIRED: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
};

/** Browsers cannot send this header cross-site without a CORS preflight (which is never granted): CSRF protection for uploads. */
export const UPLOAD_HEADER = 'x-jiaoliu-upload';

const TARGET_FIELDS = new Set(['groupId', 'conversationId', 'folderId', 'documentId', 'ifNameTaken']);
/** Images and PDFs may be shown in the page (previews); everything else always downloads. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'application/pdf']);

function sendError(reply: FastifyReply, error: unknown) {
  if (error instanceof AppError) {
    return reply.code(STATUS[error.code] ?? 400).send({ errors: [{ message: error.message, extensions: error.extensions }] });
  }
  if (isDatabaseUnavailable(error)) return replyUnavailable(reply, error);
  reply.log.error({ err: error }, 'file request failed');
  return reply.code(500).send({ errors: [{ message: '服务器内部错误，请稍后重试', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
}

function sendFile(reply: FastifyReply, file: DownloadFile, body: NodeJS.ReadableStream, inline: boolean) {
  const showInline = inline && INLINE_TYPES.has(file.mime);
  return reply
    .header('content-type', file.mime)
    .header('content-length', String(file.size))
    .header('content-disposition', showInline ? attachmentDisposition(file.name).replace(/^attachment/, 'inline') : attachmentDisposition(file.name))
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    // A file never runs script in our origin, even if a browser chose to render it. Shown PDFs
    // skip the sandbox, which would stop the browser's PDF viewer; scripts stay forbidden.
    .header('content-security-policy', showInline && file.mime === 'application/pdf' ? "default-src 'none'; object-src 'self'; frame-ancestors 'self'" : "default-src 'none'; img-src 'self'; sandbox; frame-ancestors 'self'")
    .send(body);
}

/**
 * Files over HTTP: multipart upload (streamed to storage, never buffered whole), downloads
 * checked against the session at request time, and short signed links for the disk store.
 */
export async function registerFiles(app: FastifyInstance, orm: MikroORM, deps: Deps): Promise<void> {
  const maxBytes = deps.config.storage.maxUploadBytes;
  // preservePath: see the name as sent, so that a path in it is refused rather than silently cut.
  await app.register(fastifyMultipart, { preservePath: true, limits: { fileSize: maxBytes, files: 1, fields: 8, fieldSize: 200, parts: 10, headerPairs: 100 } });

  app.post('/files', async (request: FastifyRequest, reply) => {
    try {
      if (request.headers[UPLOAD_HEADER] !== '1') throw badInput(`上传请求须带 ${UPLOAD_HEADER}: 1 请求头`);
      if (!request.isMultipart()) throw badInput('请以 multipart/form-data 上传文件', 'file');
      const { domain } = await buildContext(orm, deps, request, reply);
      if (!domain.actor) throw unauthenticated();
      refuseUntilPasswordChanged(domain.actor, ['upload']);
      await limitRequest(reply, 'upload', domain.actor.userId, domain.ip);
      const target: UploadTarget = {};
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          if (!TARGET_FIELDS.has(part.fieldname)) throw badInput(`未知字段 ${part.fieldname}`);
          (target as Record<string, unknown>)[part.fieldname] = String(part.value ?? '') || null;
          continue;
        }
        if (part.fieldname !== 'file') throw badInput('文件字段应名为 file', 'file');
        const version = await uploadDocument(domain, deps.storage, target, part.filename, part.file);
        return reply.code(201).send({ data: { versionId: version.id, documentId: version.document.id, version: version.version, name: version.name } });
      }
      throw badInput('请选择要上传的文件', 'file');
    } catch (error) {
      return sendError(reply, error);
    }
  });

  app.get('/files/:versionId', async (request: FastifyRequest<{ Params: { versionId: string }; Querystring: { inline?: string } }>, reply) => {
    try {
      const { domain } = await buildContext(orm, deps, request, reply);
      if (!domain.actor) throw unauthenticated();
      refuseUntilPasswordChanged(domain.actor, ['download']);
      const { file, body } = await openDownload(domain, deps.storage, request.params.versionId);
      return sendFile(reply, file, body, request.query.inline === '1');
    } catch (error) {
      return sendError(reply, error);
    }
  });

  app.get('/files/link/:versionId', async (request: FastifyRequest<{ Params: { versionId: string }; Querystring: { e?: string; s?: string } }>, reply) => {
    try {
      const file = await deps.downloadLinks.resolve(orm.em.fork(), request.params.versionId, request.query.e, request.query.s);
      return sendFile(reply, file, await deps.storage.get(file.storageKey), false);
    } catch (error) {
      return sendError(reply, error);
    }
  });
}
