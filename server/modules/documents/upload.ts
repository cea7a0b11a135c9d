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
import { folderDeleted } from './library.js';
import { documentNamed, folderInGroup, holdFolder, insertDocument, insertObject, insertVersion, lockDocument, lockNameInFolder, objectWithContent, updateDocumentLatest, type LibraryPlace } from './store.js';
import type { LibraryAccess } from './subjects.js';

export interface UploadTarget {
  groupId?: unknown;
  conversationId?: unknown;
  folderId?: unknown;
  /** Set to add a new version of this document instead of a new document. */
  documentId?: unknown;
  /**
   * When the folder already holds a document of the file's name: absent, the upload is refused
   * (CONFLICT, `nameTaken`, with that document's id, so the client can offer a new version);
   * 'rename' keeps both, the new one named 会议议程(2).txt.
   */
  ifNameTaken?: unknown;
}

/** A same-named document is in the folder: the client may offer 保存为新版本 (documentId) or 另存为新文件 (ifNameTaken=rename). */
export class NameTaken extends AppError {
  constructor(name: string, documentId: string) {
    super('CONFLICT', `此处已有名为“${name}”的文件，请选择保存为新版本或另存为新文件`, { field: 'file', reason: 'nameTaken', documentId });
  }
}

/** 会议议程.txt → 会议议程(2).txt, 会议议程(3).txt, … */
export function numberedName(name: string, n: number, maxChars = 200): string {
  const dot = name.lastIndexOf('.');
  const [base, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  const suffix = `(${n})${ext}`;
  // Within the column's length: a long base gives way to the number.
  return [...base].slice(0, Math.max(1, maxChars - [...suffix].length)).join('') + suffix;
}

/**
 * The name a document gets in its folder, decided under the name's lock: the file's own when
 * free; taken by another document, a numbered one ('rename') or CONFLICT.
 */
async function nameInFolder(em: EntityManager, place: LibraryPlace, name: string, self: string | null, ifNameTaken: unknown): Promise<string> {
  await lockNameInFolder(em, place, name);
  const taken = await documentNamed(em, place, name, self);
  if (!taken) return name;
  if (self) throw conflict(`此处已有另一个名为“${name}”的文件，新版本不能使用这个名称`, 'file');
  if (ifNameTaken !== 'rename') throw new NameTaken(name, taken);
  for (let n = 2; n < 1000; n += 1) {
    const candidate = numberedName(name, n);
    await lockNameInFolder(em, place, candidate);
    if (!(await documentNamed(em, place, candidate))) return candidate;
  }
  throw conflict('同名文件过多，请改名后再上传', 'file');
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
  if (target.ifNameTaken && target.ifNameTaken !== 'rename') throw badInput('ifNameTaken 只能是 rename', 'ifNameTaken');
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
      // In the documents' lock order (store.ts, lockNameInFolder): the row, the folder, the name.
      const locked = existing ? await lockDocument(em, existing.document.id) : null;
      if (locked?.deleted_at) throw conflict('文件已删除');
      if (folderId && !(await holdFolder(em, folderId))) throw folderDeleted('folderId');
      let objectId = known;
      let usedNewObject = false;
      if (!objectId) {
        const inserted = await insertObject(em, { groupId: library.groupId, conversationId: library.conversationId, sha256: received.sha256, size: received.size, mime: file.mime, storageKey: key });
        usedNewObject = inserted !== null;
        // The same content raced in from another upload: use that object.
        objectId = inserted ?? (await objectWithContent(em, library, received.sha256));
      }
      let documentId: string;
      let version = 1;
      let name: string;
      if (existing && locked) {
        documentId = existing.document.id;
        // A version under another name renames the document: not onto another one's name in
        // the folder it is in now (a move it waited for may have changed that).
        name = await nameInFolder(em, { groupId: library.groupId, conversationId: library.conversationId, folderId: locked.folder_id }, file.name, documentId, null);
        version = locked.latest_version + 1;
        await updateDocumentLatest(em, documentId, name, version, toTitledTsvectorLiteral(name.replace(/\.[^.]+$/, '')));
      } else {
        name = await nameInFolder(em, { groupId: library.groupId, conversationId: library.conversationId, folderId }, file.name, null, target.ifNameTaken);
        documentId = await insertDocument(em, { groupId: library.groupId, conversationId: library.conversationId, folderId, name, uploaderId: actor.userId, searchVector: toTitledTsvectorLiteral(name.replace(/\.[^.]+$/, '')) });
      }
      const versionId = await insertVersion(em, { documentId, version, objectId, name, uploaderId: actor.userId });
      audit(em, {
        actorId: actor.userId,
        action: existing ? 'document.version_added' : 'document.uploaded',
        targetType: 'document',
        targetId: documentId,
        after: { name, version, size: received.size, sha256: received.sha256, groupId: library.groupId, conversationId: library.conversationId },
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
