import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// s3rver is CommonJS without types.
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
};

export interface S3Server {
  endpoint: string;
  directory: string;
  accessKey: string;
  secretKey: string;
  close: () => Promise<void>;
}

/** A real S3-protocol server (s3rver) on loopback, with its objects in a temp folder. */
export async function startS3(): Promise<S3Server> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'jiaoliu-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, vhostBuckets: false });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    directory,
    accessKey: 'S3RVER',
    secretKey: 'S3RVER',
    close: async () => {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Every object file s3rver holds for a bucket (its metadata sidecar files aside). */
export function s3Objects(server: S3Server, bucket: string): string[] {
  const root = path.join(server.directory, bucket);
  if (!fs.existsSync(root)) return [];
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (!entry.name.endsWith('._S3rver_metadata.json') && !entry.name.endsWith('._S3rver_object.md5')) found.push(path.relative(root, full));
    }
  };
  walk(root);
  return found;
}
