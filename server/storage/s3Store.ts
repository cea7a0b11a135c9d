import type { Readable } from 'node:stream';
import { Client } from 'minio';
import { assertKey, attachmentDisposition, type ObjectStore } from './objectStore.js';

export interface S3Settings {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
  /** The S3 address browsers reach (e.g. through nginx); download links are signed for it. */
  publicUrl?: string | null;
}

function clientFor(endpoint: string, settings: S3Settings): Client {
  const url = new URL(endpoint);
  if (url.pathname !== '/' || url.search || url.hash) throw new Error(`S3 地址只能包含协议、主机和端口：${endpoint}`);
  return new Client({
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    useSSL: url.protocol === 'https:',
    accessKey: settings.accessKey,
    secretKey: settings.secretKey,
    // With the region known, presigning is pure computation (no request to find the bucket's region).
    region: settings.region,
    pathStyle: true,
  });
}

/**
 * Any S3-compatible server through the minio client; the bucket is created when missing.
 * Jiaoliu talks to S3_ENDPOINT; links handed to browsers point at S3_PUBLIC_URL when set.
 */
export class S3Store implements ObjectStore {
  readonly kind = 's3' as const;
  private readonly client: Client;
  /** Signs download links for the public address: the signature covers the Host the browser sends. */
  private readonly signer: Client;

  constructor(private readonly settings: S3Settings) {
    this.client = clientFor(settings.endpoint, settings);
    this.signer = settings.publicUrl ? clientFor(settings.publicUrl, settings) : this.client;
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
    return this.signer.presignedGetObject(this.settings.bucket, key, seconds, {
      'response-content-disposition': attachmentDisposition(downloadName),
      'response-content-type': contentType,
    });
  }
}
