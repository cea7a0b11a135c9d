import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { signedIn } from '../../helpers/graphql.js';
import { s3Objects, startS3, type S3Server } from '../../helpers/s3.js';
import { unzip } from '../../helpers/zip.js';

/**
 * Archives on an S3 store (s3rver): the ZIP is streamed into the bucket (size unknown in
 * advance, so a multipart upload), and the download link is the store's short presigned URL.
 */
let s3: S3Server;
let t: TestApp;

beforeAll(async () => {
  s3 = await startS3();
  const settings = { endpoint: s3.endpoint, accessKey: s3.accessKey, secretKey: s3.secretKey, bucket: 'jiaoliu-archives', region: 'us-east-1', publicUrl: null };
  t = await startTestApp({ scheduler: { pollMs: 0 }, storage: { ...loadConfig().storage, s3: settings } });
}, 60_000);

afterAll(async () => {
  await t?.close();
  await s3?.close();
});

it('streams the archive into the bucket and downloads it through a presigned link', async () => {
  const ning = await signedIn(t.url, 'ningzhiyuan');
  const { requestPersonalArchive } = await ning.request(`mutation { requestPersonalArchive { id } }`);
  await t.app.scheduler.runDue();
  const { archiveExport } = await ning.request(`query($id: ID!) { archiveExport(id: $id) { status size } }`, { id: requestPersonalArchive.id });
  expect(archiveExport.status).toBe('DONE');
  expect(s3Objects(s3, 'jiaoliu-archives')).toHaveLength(1);

  const { archiveDownloadLink } = await ning.request(`mutation($id: ID!) { archiveDownloadLink(id: $id) { url } }`, { id: requestPersonalArchive.id });
  expect(archiveDownloadLink.url).toMatch(new RegExp(`^${s3.endpoint}/jiaoliu-archives/.*X-Amz-Expires=60`));
  const response = await fetch(archiveDownloadLink.url);
  expect(response.status).toBe(200);
  const bytes = Buffer.from(await response.arrayBuffer());
  expect(bytes.length).toBe(archiveExport.size);
  const zip = await unzip(bytes);
  expect(zip.get('index.html')!.toString('utf8')).toContain('个人数据：宁志远');
}, 60_000);
