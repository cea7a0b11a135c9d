import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { SAMPLES, upload } from '../../helpers/files.js';
import { signedIn } from '../../helpers/graphql.js';
import { startS3, type S3Server } from '../../helpers/s3.js';
import { sql } from '../../helpers/demo.js';

/**
 * S3_PUBLIC_URL: Jiaoliu reaches S3 at its internal address; the browser reaches it elsewhere
 * (here a reverse proxy on another port that keeps the browser's Host header, as the nginx
 * example does). Download links must name the public address and verify there.
 */
/** AWS Signature V4 of a presigned GET, recomputed as S3 does for a request with this Host. */
function sigV4Valid(link: string, host: string, secretKey: string): boolean {
  const url = new URL(link);
  const raw = url.search.slice(1).split('&');
  const given = new URLSearchParams(url.search).get('X-Amz-Signature');
  const query = raw.filter((pair) => !pair.startsWith('X-Amz-Signature=')).sort().join('&');
  const canonical = ['GET', url.pathname, query, `host:${host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const params = new URLSearchParams(url.search);
  const [, date, region, service] = params.get('X-Amz-Credential')!.split('/');
  const toSign = ['AWS4-HMAC-SHA256', params.get('X-Amz-Date'), `${date}/${region}/${service}/aws4_request`, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const key = hmac(hmac(hmac(hmac(`AWS4${secretKey}`, date), region), service), 'aws4_request');
  return createHmac('sha256', key).update(toSign).digest('hex') === given;
}

let s3: S3Server;
let proxy: http.Server;
let publicUrl: string;
let t: TestApp;

beforeAll(async () => {
  s3 = await startS3();
  const internal = new URL(s3.endpoint);
  proxy = http.createServer((req, res) => {
    const upstream = http.request({ host: internal.hostname, port: internal.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const port = (proxy.address() as { port: number }).port;
  // "localhost", not the internal 127.0.0.1: a different Host in the signature.
  publicUrl = `http://localhost:${port}`;
  const s3Settings = { endpoint: s3.endpoint, accessKey: s3.accessKey, secretKey: s3.secretKey, bucket: 'jiaoliu-public', region: 'us-east-1', publicUrl };
  t = await startTestApp({ storage: { ...loadConfig().storage, s3: s3Settings } });
});
afterAll(async () => {
  await t?.close();
  await new Promise((resolve) => proxy?.close(resolve));
  await s3?.close();
});

it('signs download links for S3_PUBLIC_URL, and they download there (not at the internal address)', async () => {
  const gou = await signedIn(t.url, 'gouxiaoyan');
  const { token } = await gou.login('gouxiaoyan');
  const [{ id: groupId }] = await sql<{ id: string }>(t.orm, `select id from chat_group where name = '政务服务工作交流'`);
  const content = Buffer.concat([SAMPLES.pdf(), Buffer.from('公开地址')]);
  const { data, status } = await upload(t.url, { token }, { groupId }, '公开地址.pdf', content);
  expect(status).toBe(201);

  const { documentDownloadLink } = await gou.request(`mutation($v: ID!) { documentDownloadLink(versionId: $v) { url } }`, { v: data!.versionId });
  const link = documentDownloadLink.url as string;
  expect(link.startsWith(`${publicUrl}/jiaoliu-public/`)).toBe(true);
  expect(link).not.toContain(new URL(s3.endpoint).host);

  const response = await fetch(link);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-disposition')).toMatch(/^attachment;/);
  expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);

  // s3rver does not check V4 signatures; MinIO and S3 do, against the Host the browser sends.
  // So check the signature here: valid for the public host, not for the internal one.
  expect(new URL(link).searchParams.get('X-Amz-SignedHeaders')).toBe('host');
  expect(sigV4Valid(link, new URL(publicUrl).host, s3.secretKey)).toBe(true);
  expect(sigV4Valid(link, new URL(s3.endpoint).host, s3.secretKey)).toBe(false);
});
