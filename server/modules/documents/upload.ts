import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { EntityManager } from '@mikro-orm/postgresql';
import { audit } from '../../audit/logger.js';
import { DocumentVersion } from '../../db/entities/index.js';
import { AppError, badInput, conflict, notFound } from '../../errors.js';
import { authorize } from '../../policies/index.js';
import type { ObjectStore } from '../../storage/index.js';
import { requireActor, type DomainContext } from '../context.js';
import { isUuid } from '../ids.js';
import { toTitledTsvectorLiteral } from '../content/segment.js';
import { documentForActor, libraryForActor } from './access.js';
import { checkFileName, contentMatches, SNIFF_BYTES } from './fileTypes.js';
import { folderInGroup, insertDocument, insertObject, insertVersion, lockDocumentVersion, objectWithContent, updateDocumentLatest } from './store.js';
import type { LibraryAccess } from './subjects.js';

export interface UploadTarget {
  groupId?: unknown;
  conversationId?: unknown;
  folderId?: unknown;
  /** Set to add a new version of this document instead of a new document. */
  documentId?: unknown;
}

export class UploadTooLarge extends AppError {
  constructor(maxBytes: number) {
    const limit = maxBytes >= 1024 * 1024 ? `${Math.round((maxBytes / 1024 / 1024) * 10) / 10} MB` : `${Math.round(maxBytes / 1024)} KB`;
    super('PAYLOAD_TOO_LARGE', `文件超过 ${limit} 的上限`, { field: 'file' });
  }
}

const newKey = () => {
  const hex = randomBytes(32).toString('hex');
  return `${hex.slice(0, 2)}/${hex.slice(2)}`;
};

interface Received {
  size: number;
  sha256: string;
  head: Buffer;
}

const spoolDir = path.join(os.tmpdir(), 'jiaoliu-uploads');

/**
 * Streams the body to a private temp file, hashing, counting and keeping the first bytes, and
 * stopping at the size limit. The store then gets a file of known size whose type was already
 * checked (S3 takes it in one PUT).
 */
async function spool(body: Readable, file: string, maxBytes: number): Promise<Received> {
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headBytes = 0;
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > maxBytes) return done(new UploadTooLarge(maxBytes));
      hash.update(chunk);
      if (headBytes < SNIFF_BYTES) {
        head.push(chunk.subarray(0, SNIFF_BYTES - headBytes));
        headBytes += Math.min(chunk.length, SNIFF_BYTES - headBytes);
      }
      done(null, chunk);
    },
  });
  // The multipart parser truncates a file at its limit and says so: that is too large too.
  let truncated = false;
  body.once('limit', () => (truncated = true));
  await pipeline(body, meter, fs.createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  if (truncated || (body as Readable & { truncated?: boolean }).truncated) throw new UploadTooLarge(maxBytes);
  return { size, sha256: hash.digest('hex'), head: Buffer.concat(head) };
}

async function folderInLibrary(em: EntityManager, library: LibraryAccess, folderId: unknown): Promise<string | null> {
  if (folderId === null || folderId === undefined || folderId === '') return null;
  const folder = isUuid(folderId) && library.groupId ? await folderInGroup(em, folderId, library.groupId) : null;
  if (!folder) throw notFound('文件夹', 'folderId');
  return folder;
}

/**
 * Upload: check name and permission first, spool the bytes to a temp file while hashing and
 * counting, check the content against the extension, then store them under a fresh random key
 * (unless the library already holds identical content) and write the rows in one transaction.
 * Whatever fails, the temp file and the fresh object are removed: no orphan bytes, no
 * half-written rows.
 */
export async function uploadDocument(ctx: DomainContext, store: ObjectStore, target: UploadTarget, fileName: unknown, body: Readable): Promise<DocumentVersion> {
  const actor = requireActor(ctx);
  const maxBytes = ctx.deps.config.storage.maxUploadBytes;
  const file = checkFileName(fileName);
  const existing = target.documentId ? await documentForActor(ctx.em, actor, target.documentId) : null;
  let library: LibraryAccess;
  if (existing) {
    authorize(actor, 'addVersion', existing, existing.document.deletedAt ? '文件已删除' : '只有上传者和群管理员可以更新文件');
    library = existing.library;
  } else {
    library = await libraryForActor(ctx.em, actor, target);
    authorize(actor, 'upload', library, '您不能向此处上传文件');
  }
  const folderId = existing ? null : await folderInLibrary(ctx.em, library, target.folderId);

  await fs.promises.mkdir(spoolDir, { recursive: true, mode: 0o700 });
  const temp = path.join(spoolDir, randomBytes(16).toString('hex'));
  let key: string | null = null;
  let keep = false;
  try {
    const received = await spool(body, temp, maxBytes);
    if (received.size === 0) throw badInput('文件为空', 'file');
    if (!(await contentMatches(file.extension, received.head))) throw badInput(`文件内容与扩展名 .${file.extension} 不符`, 'file');
    // Identical content already in this library: no second copy of the bytes.
    const known = await objectWithContent(ctx.em, library, received.sha256);
    if (!known) {
      key = newKey();
      await store.put(key, fs.createReadStream(temp), received.size);
    }
    const { versionId, usedNewObject } = await ctx.em.transactional(async (em) => {
      let objectId = known;
      let usedNewObject = false;
      if (!objectId) {
        const inserted = await insertObject(em, { groupId: library.groupId, conversationId: library.conversationId, sha256: received.sha256, size: received.size, mime: file.mime, storageKey: key });
        usedNewObject = inserted !== null;
        // The same content raced in from another upload: use that object.
        objectId = inserted ?? (await objectWithContent(em, library, received.sha256));
      }
      const searchVector = toTitledTsvectorLiteral(file.name.replace(/\.[^.]+$/, ''));
      let documentId: string;
      let version = 1;
      if (existing) {
        const locked = await lockDocumentVersion(em, existing.document.id);
        if (locked.deleted_at) throw conflict('文件已删除');
        version = locked.latest_version + 1;
        documentId = existing.document.id;
        await updateDocumentLatest(em, documentId, file.name, version, searchVector);
      } else {
        documentId = await insertDocument(em, { groupId: library.groupId, conversationId: library.conversationId, folderId, name: file.name, uploaderId: actor.userId, searchVector });
      }
      const versionId = await insertVersion(em, { documentId, version, objectId, name: file.name, uploaderId: actor.userId });
      audit(em, {
        actorId: actor.userId,
        action: existing ? 'document.version_added' : 'document.uploaded',
        targetType: 'document',
        targetId: documentId,
        after: { name: file.name, version, size: received.size, sha256: received.sha256, groupId: library.groupId, conversationId: library.conversationId },
        ip: ctx.ip,
      });
      return { versionId, usedNewObject };
    });
    keep = usedNewObject;
    return await ctx.em.findOneOrFail(DocumentVersion, { id: versionId });
  } finally {
    await fs.promises.rm(temp, { force: true });
    if (key && !keep) await store.remove(key).catch(() => {});
  }
}
