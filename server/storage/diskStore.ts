import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertKey, type ObjectStore } from './objectStore.js';

/** Objects as files under one folder (the default with no S3_ENDPOINT). Writes are atomic: temp file, then rename. */
export class DiskStore implements ObjectStore {
  readonly kind = 'disk' as const;

  constructor(private readonly root: string) {}

  async init(): Promise<void> {
    await fs.promises.mkdir(path.join(this.root, '.tmp'), { recursive: true });
  }

  private file(key: string): string {
    assertKey(key);
    return path.join(this.root, key);
  }

  async put(key: string, body: Readable): Promise<void> {
    const target = this.file(key);
    const temp = path.join(this.root, '.tmp', randomBytes(12).toString('hex'));
    try {
      await pipeline(body, fs.createWriteStream(temp, { flags: 'wx' }));
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      await fs.promises.rename(temp, target);
    } catch (error) {
      await fs.promises.rm(temp, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Readable> {
    const file = this.file(key);
    await fs.promises.access(file);
    return fs.createReadStream(file);
  }

  async remove(key: string): Promise<void> {
    await fs.promises.rm(this.file(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    return fs.promises.access(this.file(key)).then(
      () => true,
      () => false,
    );
  }

  async health(): Promise<void> {
    await fs.promises.access(path.join(this.root, '.tmp'), fs.constants.W_OK);
  }

  async presignedUrl(): Promise<string | null> {
    return null;
  }
}
