import type { Readable } from 'node:stream';

/**
 * Where file bytes live: an S3-compatible server (MinIO in production) or a folder on disk.
 * Keys are random and chosen by Jiaoliu, never by a user.
 */
export interface ObjectStore {
  readonly kind: 's3' | 'disk';
  /** Creates the bucket or folder when missing. */
  init(): Promise<void>;
  put(key: string, body: Readable, size?: number): Promise<void>;
  get(key: string): Promise<Readable>;
  /** Removes the object; a missing one is not an error. */
  remove(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Resolves when the store can be used now (readiness probe): cheap, no object written. */
  health(): Promise<void>;
  /**
   * A URL the browser can fetch for `seconds`, served as an attachment; null when the store
   * cannot sign one (disk: Jiaoliu signs its own short-lived link instead).
   */
  presignedUrl(key: string, seconds: number, downloadName: string, contentType: string): Promise<string | null>;
}

export const OBJECT_KEY = /^[a-f0-9]{2}\/[a-f0-9]{62}$/;

export function assertKey(key: string): void {
  if (!OBJECT_KEY.test(key)) throw new Error('invalid object key');
}

/** RFC 6266 Content-Disposition with a UTF-8 file name (Chinese names survive). */
export function attachmentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
