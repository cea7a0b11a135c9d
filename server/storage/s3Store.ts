import type { Readable } from 'node:stream';
import { Client } from 'minio';
import { assertKey, attachmentDisposition, type ObjectStore } from './objectStore.js';

export interface S3Settings {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
}

/** Any S3-compatible server through the minio client; the bucket is created when missing. */
export class S3Store implements ObjectStore {
  readonly kind = 's3' as const;
  private readonly client: Client;

  constructor(private readonly settings: S3Settings) {
    const url = new URL(settings.endpoint);
    this.client = new Client({
      endPoint: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      useSSL: url.protocol === 'https:',
      accessKey: settings.accessKey,
      secretKey: settings.secretKey,
      region: settings.region,
      pathStyle: true,
    });
  }

  async init(): Promise<void> {
    if (!(await this.client.bucketExists(this.settings.bucket))) await this.client.makeBucket(this.settings.bucket, this.settings.region);
  }

  async put(key: string, body: Readable, size?: number): Promise<void> {
    assertKey(key);
    await this.client.putObject(this.settings.bucket, key, body, size);
  }

  async get(key: string): Promise<Readable> {
    assertKey(key);
    return this.client.getObject(this.settings.bucket, key);
  }

  async remove(key: string): Promise<void> {
    assertKey(key);
    await this.client.removeObject(this.settings.bucket, key);
  }

  async exists(key: string): Promise<boolean> {
    assertKey(key);
    try {
      await this.client.statObject(this.settings.bucket, key);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === 'NotFound' || (error as { code?: string }).code === 'NoSuchKey') return false;
      throw error;
    }
  }

  async health(): Promise<void> {
    if (!(await this.client.bucketExists(this.settings.bucket))) throw new Error(`bucket ${this.settings.bucket} missing`);
  }

  async presignedUrl(key: string, seconds: number, downloadName: string, contentType: string): Promise<string> {
    assertKey(key);
    return this.client.presignedGetObject(this.settings.bucket, key, seconds, {
      'response-content-disposition': attachmentDisposition(downloadName),
      'response-content-type': contentType,
    });
  }
}
