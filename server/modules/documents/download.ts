import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Readable } from 'node:stream';
import { notFound } from '../../errors.js';
import type { ObjectStore } from '../../storage/index.js';
import { requireActor, type DomainContext } from '../context.js';
import { isUuid } from '../ids.js';
import { versionForActor } from './access.js';
import { countDownload, versionFile } from './store.js';
import { DOWNLOAD_LINK_SECONDS } from './subjects.js';

export interface DownloadFile {
  versionId: string;
  name: string;
  mime: string;
  size: number;
  storageKey: string;
}

async function fileOf(em: EntityManager, versionId: string): Promise<DownloadFile> {
  const row = await versionFile(em, versionId);
  return { versionId, name: row.name, mime: row.mime, size: Number(row.size), storageKey: row.storage_key };
}

/** A download checked now: membership of the library (a removed member loses access at once) and the document's state. */
export async function openDownload(ctx: DomainContext, store: ObjectStore, versionId: unknown): Promise<{ file: DownloadFile; body: Readable }> {
  const actor = requireActor(ctx);
  const { version, access } = await versionForActor(ctx.em, actor, versionId);
  const file = await fileOf(ctx.em, version.id);
  const body = await store.get(file.storageKey);
  await countDownload(ctx.em, access.document.id);
  return { file, body };
}

/**
 * Signs short download links. With S3 the store presigns (60 s); on disk Jiaoliu signs
 * `/files/link/<version>?e=<expiry>&s=<hmac>` itself and serves it without a session.
 */
export class DownloadLinks {
  private readonly secret: Buffer;

  constructor(secret: string | null) {
    this.secret = secret ? Buffer.from(secret) : randomBytes(32);
  }

  private sign(versionId: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${versionId}.${expires}`).digest('base64url');
  }

  /**
   * The same signature for another kind of short link (archives sign `archive:<id>`): the
   * prefix keeps kinds apart, so one kind's signature never opens another (a version id is a bare UUID).
   */
  signOther(subject: string, expires: number): string {
    return this.sign(subject, expires);
  }

  async create(ctx: DomainContext, store: ObjectStore, versionId: unknown): Promise<{ url: string; expiresAt: Date }> {
    const actor = requireActor(ctx);
    const { version, access } = await versionForActor(ctx.em, actor, versionId);
    const file = await fileOf(ctx.em, version.id);
    const expires = Math.floor(Date.now() / 1000) + DOWNLOAD_LINK_SECONDS;
    await countDownload(ctx.em, access.document.id);
    const presigned = await store.presignedUrl(file.storageKey, DOWNLOAD_LINK_SECONDS, file.name, file.mime);
    const url = presigned ?? `/files/link/${version.id}?e=${expires}&s=${this.sign(version.id, expires)}`;
    return { url, expiresAt: new Date(expires * 1000) };
  }

  /** The file a signed link names, if the link is genuine and unexpired; NOT_FOUND otherwise. */
  async resolve(em: EntityManager, versionId: string, expires: unknown, signature: unknown): Promise<DownloadFile> {
    const e = Number(expires);
    if (!isUuid(versionId) || !Number.isInteger(e) || e < Date.now() / 1000 || typeof signature !== 'string') throw notFound('文件');
    const expected = Buffer.from(this.sign(versionId, e));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw notFound('文件');
    return fileOf(em, versionId);
  }
}
