import type { Config } from '../config.js';
import { DiskStore } from './diskStore.js';
import type { ObjectStore } from './objectStore.js';
import { S3Store } from './s3Store.js';

export type { ObjectStore } from './objectStore.js';

/** S3 when S3_ENDPOINT is set, otherwise files on disk under the data folder. */
export function createObjectStore(config: Config): ObjectStore {
  const { s3, filesDir } = config.storage;
  return s3 ? new S3Store(s3) : new DiskStore(filesDir);
}
