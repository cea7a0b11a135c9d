import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { createClient } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../server/db/embedded.js';
import { dropDatabase, freshDatabase } from '../../helpers/app.js';
import { PasswordHasher } from '../../../server/modules/accounts/passwords.js';

/** Production refuses to start while demo accounts keep the published password: the operator changed them. */
const PRODUCTION_PASSWORD = 'Nginx@Test-2026';
import { startRedis, type TestRedis } from '../../helpers/redis.js';
import { startServerProcess, type ServerProcess } from '../../helpers/serverProcess.js';

/**
 * The shipped deployment, for real: `npm run build`'s two steps into a separate installation
 * folder, two compiled server processes started as deploy/jiaoliu@.service starts them
 * (ExecStart and Environment read from the unit), a real Redis, and Debian's nginx running
 * deploy/nginx.conf with TLS (a certificate made here by openssl). The client reaches nginx
 * from 127.0.0.2, so "the client's address" differs from nginx's own 127.0.0.1.
 */
const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../../..');
const NGINX = process.env.NGINX || '/usr/sbin/nginx';
const CLIENT_ADDRESS = '127.0.0.2';
// Longer than deploy/nginx.conf's upstream keepalive_timeout (2 s), as the shipped default (5 s) is.
const DRAIN_MS = 3000;

let tmp: string;
let install: string;
let ca: Buffer;
let base: string;
let httpPort: number;
let nginx: ChildProcess | undefined;
let redis: TestRedis | undefined;
let databaseUrl: string | undefined;
let db: pg.Client | undefined;
const servers: ServerProcess[] = [];

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One HTTPS request through nginx, from the client's address, trusting only the test's CA. */
function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: options.method ?? 'GET', headers: options.headers, ca, localAddress: CLIENT_ADDRESS, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const graphql = async (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
  const answer = await request(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base, ...headers }, body: JSON.stringify({ query, variables }) });
  return { ...answer, json: JSON.parse(answer.body.toString()) as { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> } };
};
const LOGIN = `mutation($l: String!, $p: String!) { login(loginName: $l, password: $p) { token user { id } } }`;

/** ExecStart and Environment= of the shipped unit, for this installation folder and port. */
function unitCommand(): { command: string[]; env: Record<string, string> } {
  const unit = fs.readFileSync(path.join(repo, 'deploy/jiaoliu@.service'), 'utf8');
  const execStart = unit.match(/^ExecStart=(.+)$/m)![1];
  const command = execStart.split(/\s+/).map((part) => part.replace(/^\/usr\/bin\/node$/, process.execPath).replace('/opt/jiaoliu', install));
  const env: Record<string, string> = {};
  for (const [, name, value] of unit.matchAll(/^Environment=(\w+)=(.*)$/gm)) env[name] = value;
  return { command, env };
}

/** deploy/nginx.conf with only ports, addresses and certificate paths replaced (each must be found). */
function renderNginx(ports: number[], httpsPort: number): string {
  let conf = fs.readFileSync(path.join(repo, 'deploy/nginx.conf'), 'utf8');
  const replace = (from: string | RegExp, to: string) => {
    const before = conf;
    conf = conf.replace(from, to);
    if (conf === before) throw new Error(`deploy/nginx.conf no longer contains ${from}`);
  };
  replace('server 127.0.0.1:3001 ', `server 127.0.0.1:${ports[0]} `);
  replace('server 127.0.0.1:3002 ', `server 127.0.0.1:${ports[1]} `);
  replace(/^ {4}listen \[::\]:80;\n/m, '');
  replace(/^ {4}listen \[::\]:443 ssl http2;\n/m, '');
  replace(/^ {4}listen 80;/m, `    listen 127.0.0.1:${httpPort};`);
  replace(/^ {4}listen 443 ssl http2;/m, `    listen 127.0.0.1:${httpsPort} ssl http2;`);
  replace('/etc/ssl/jiaoliu/fullchain.pem', path.join(tmp, 'cert.pem'));
  replace('/etc/ssl/jiaoliu/privkey.pem', path.join(tmp, 'key.pem'));
  return conf;
}

async function waitForPort(port: number, process: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (process.exitCode !== null) throw new Error(`nginx exited:\n${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => (socket.end(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nginx did not listen:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jiaoliu-nginx-'));
  // An installation folder as the README describes: package.json, schema/, node_modules, the build.
  install = path.join(tmp, 'install');
  fs.mkdirSync(install);
  fs.copyFileSync(path.join(repo, 'package.json'), path.join(install, 'package.json'));
  fs.symlinkSync(path.join(repo, 'schema'), path.join(install, 'schema'));
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(install, 'node_modules'));
  const tsx = [process.execPath, '--import', 'tsx'];
  const [, , , started] = await Promise.all([
    run(tsx[0], [...tsx.slice(1), 'web/build.ts', '--production', '--out', path.join(install, 'web/dist')], { cwd: repo }),
    run(tsx[0], [...tsx.slice(1), 'server/build.ts', '--out', path.join(install, 'dist')], { cwd: repo }),
    run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(tmp, 'key.pem'), '-out', path.join(tmp, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']),
    Promise.all([startRedis(), freshDatabase()]),
  ]);
  [redis, databaseUrl] = started;
  ca = fs.readFileSync(path.join(tmp, 'cert.pem'));
  db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  await db.query(`update app_user set password_hash = $1`, [await new PasswordHasher(1, 10).hash(PRODUCTION_PASSWORD)]);
  // The operator's first step on a real installation (README): a system admin from the built command.
  const admin = await run(process.execPath, [path.join(install, 'dist/server/admin.js'), 'create-admin', '--login', 'opsadmin', '--name', '运维管理员', '--unit', '省运维中心'], {
    cwd: install,
    env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: databaseUrl, ADMIN_PASSWORD: PRODUCTION_PASSWORD },
  });
  expect(admin.stdout).toContain('已创建系统管理员 opsadmin（运维管理员，省运维中心）');

  const { command, env } = unitCommand();
  expect(env.NODE_ENV).toBe('production');
  expect(command.slice(-1)[0]).toBe(path.join(install, 'dist/server/main.js'));
  const serverEnv = { ...env, PORT: undefined, HOST: undefined, DATABASE_URL: databaseUrl, REDIS_URL: redis.url, JIAOLIU_DATA_DIR: path.join(tmp, 'data'), DOWNLOAD_LINK_SECRET: 'nginx-test-secret', SHUTDOWN_DRAIN_MS: String(DRAIN_MS) };
  servers.push(...(await Promise.all([0, 1].map(() => startServerProcess({ command, env: serverEnv })))));

  const httpsPort = await freePort();
  httpPort = await freePort();
  base = `https://127.0.0.1:${httpsPort}`;
  fs.writeFileSync(path.join(tmp, 'jiaoliu.conf'), renderNginx(servers.map((s) => s.port), httpsPort));
  for (const dir of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) fs.mkdirSync(path.join(tmp, dir));
  // Debian's nginx started as root runs its workers as "nobody", who cannot enter this folder.
  const user = process.getuid?.() === 0 ? 'user root root;\n' : '';
  fs.writeFileSync(
    path.join(tmp, 'nginx.conf'),
    `${user}worker_processes 1;\npid ${tmp}/nginx.pid;\nerror_log ${tmp}/error.log warn;\nevents { worker_connections 256; }\nhttp {\n` +
      `  access_log ${tmp}/access.log;\n` +
      ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((d) => `  ${d === 'body' ? 'client_body' : d}_temp_path ${tmp}/${d};\n`).join('') +
      `  include ${tmp}/jiaoliu.conf;\n}\n`,
  );
  nginx = spawn(NGINX, ['-p', tmp, '-c', path.join(tmp, 'nginx.conf'), '-e', path.join(tmp, 'error.log'), '-g', 'daemon off;'], { stdio: 'ignore' });
  const nginxLog = () => (fs.existsSync(path.join(tmp, 'error.log')) ? fs.readFileSync(path.join(tmp, 'error.log'), 'utf8') : '');
  await waitForPort(httpsPort, nginx, nginxLog);
}, 90_000);

afterAll(async () => {
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((resolve) => nginx!.once('exit', resolve));
    nginx.kill('SIGTERM');
    await exited;
  }
  await Promise.all(servers.map((s) => s.stop()));
  await db?.end();
  await redis?.close();
  if (databaseUrl) await dropDatabase(databaseUrl);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
}, 30_000);

describe('production deployment behind nginx with TLS', () => {
  it('runs compiled JavaScript that needs only production dependencies (npm ci --omit=dev)', () => {
    const { dependencies, optionalDependencies, devDependencies } = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
    const production = new Set([...Object.keys(dependencies), ...Object.keys(optionalDependencies ?? {})]);
    for (const tool of ['tsx', 'esbuild', 'typescript', 'vitest']) expect(Object.keys(devDependencies)).toContain(tool);
    const bundleDir = path.join(install, 'dist/server');
    const packages = new Set<string>();
    for (const file of fs.readdirSync(bundleDir).filter((f) => f.endsWith('.js'))) {
      const code = fs.readFileSync(path.join(bundleDir, file), 'utf8');
      for (const match of code.matchAll(/^import (?:.* from )?"([^"]+)";$|require\d*\("([^"]+)"\)/gm)) {
        const spec = match[1] ?? match[2];
        if (!spec.startsWith('node:')) packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
      }
    }
    expect(packages.size).toBeGreaterThan(10);
    expect([...packages].filter((name) => !production.has(name))).toEqual([]);
    // No TypeScript left to run, and the servers above run it with plain node.
    expect(servers[0].child.spawnargs).not.toContain('tsx');
  });

  it('serves the UI compressed, hashed bundles cached for a year, and no source map', async () => {
    const page = await request(`${base}/`, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(page.status).toBe(200);
    expect(page.headers['content-encoding']).toBe('br');
    expect(page.headers['cache-control']).toBe('no-cache');
    const html = zlib.brotliDecompressSync(page.body).toString();
    expect(html).toContain('交流');
    const script = html.match(/src="\/(app-[A-Z0-9]+\.js)"/)![1];

    const gzipOnly = await request(`${base}/${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gzipOnly.status).toBe(200);
    expect(gzipOnly.headers['content-encoding']).toBe('gzip');
    expect(gzipOnly.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const plain = await request(`${base}/${script}`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(zlib.gunzipSync(gzipOnly.body).equals(plain.body)).toBe(true);
    expect(gzipOnly.body.length).toBeLessThan(plain.body.length / 2);

    // The production build writes no map; one left in the folder is still not served.
    expect(fs.existsSync(path.join(install, 'web/dist', `${script}.map`))).toBe(false);
    fs.writeFileSync(path.join(install, 'web/dist', `${script}.map`), '{"version":3}');
    expect(plain.body.toString()).not.toContain('sourceMappingURL');
    expect((await request(`${base}/${script}.map`)).status).toBe(404);

    // Plain HTTP is redirected to https.
    const redirect = await new Promise<{ status?: number; location?: string }>((resolve, reject) =>
      net
        .connect(httpPort, '127.0.0.1')
        .on('error', reject)
        .on('connect', function (this: net.Socket) {
          this.end('GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
          let text = '';
          this.on('data', (d) => (text += d)).on('end', () => resolve({ status: Number(text.split(' ')[1]), location: text.match(/location: (\S+)/i)?.[1] }));
        }),
    );
    expect(redirect).toEqual({ status: 301, location: 'https://127.0.0.1/x' });
  });

  it('logs in with a Secure, HttpOnly cookie and records the address nginx saw, not a forged X-Forwarded-For', async () => {
    const forged = { 'x-forwarded-for': '203.0.113.9' };
    for (let i = 0; i < 2; i++) {
      const wrong = await graphql(LOGIN, { l: 'chengyong', p: 'wrong-password' }, forged);
      expect(wrong.json.errors?.[0].extensions?.code).toBeTruthy();
    }
    const { rows: attempts } = await db!.query<{ ip: string }>(`select ip from login_attempt where login_name = 'chengyong'`);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(attempts.map((a) => a.ip))).toEqual(new Set([CLIENT_ADDRESS]));

    const login = await graphql(LOGIN, { l: 'lijinsong', p: PRODUCTION_PASSWORD }, forged);
    expect(login.json.errors).toBeUndefined();
    const cookie = ([] as string[]).concat(login.headers['set-cookie'] ?? []).find((c) => c.startsWith('jiaoliu_session='))!;
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    const { rows: sessions } = await db!.query<{ ip: string }>(`select s.ip from session s join app_user u on u.id = s.user_id where u.login_name = 'lijinsong'`);
    expect(sessions.map((s) => s.ip)).toEqual([CLIENT_ADDRESS]);
  });

  it('lets the system admin made by the built create-admin command sign in through nginx', async () => {
    const login = await graphql(`mutation($l: String!, $p: String!) { login(loginName: $l, password: $p) { user { realName isSystemAdmin unit { name } } } }`, { l: 'opsadmin', p: PRODUCTION_PASSWORD });
    expect(login.json.errors).toBeUndefined();
    expect(login.json.data.login.user).toEqual({ realName: '运维管理员', isSystemAdmin: true, unit: { name: '省运维中心' } });
  });

  it('upgrades /graphql to a WebSocket (wss) and delivers live events through nginx', async () => {
    const login = await graphql(LOGIN, { l: 'gouxiaoyan', p: PRODUCTION_PASSWORD });
    const cookie = ([] as string[]).concat(login.headers['set-cookie'] ?? [])[0].split(';')[0];
    const [{ conversation_id: conversationId }] = (await db!.query<{ conversation_id: string }>(`select conversation_id from chat_group where name = '政务服务工作交流'`)).rows;

    class ClientSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers: { cookie, origin: base }, ca, localAddress: CLIENT_ADDRESS });
      }
    }
    const events: Array<{ message?: { body: string } }> = [];
    let connected = false;
    const client = createClient({ url: `${base.replace('https', 'wss')}/graphql`, webSocketImpl: ClientSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => {}, on: { connected: () => (connected = true) } });
    try {
      const subscribed = new Promise<void>((resolve, reject) => {
        client.subscribe(
          { query: `subscription($c: ID) { chatEvents(conversationId: $c) { type message { body } } }`, variables: { c: conversationId } },
          { next: (value) => events.push((value.data as any).chatEvents), error: reject, complete: () => {} },
        );
        const check = setInterval(() => connected && (clearInterval(check), resolve()), 20);
      });
      await subscribed;
      await new Promise((r) => setTimeout(r, 300));
      // Round robin: two sends reach both instances, so one lands on the subscriber's instance
      // even before the instances share a bus.
      const SEND = `mutation($c: ID!, $b: String!, $k: String!) { sendMessage(conversationId: $c, body: $b, clientMessageId: $k) { id } }`;
      for (const k of ['nginx-test-1', 'nginx-test-2']) {
        const sent = await graphql(SEND, { c: conversationId, b: `经由 nginx 的消息 ${k}`, k }, { cookie });
        expect(sent.json.errors).toBeUndefined();
      }
      const deadline = Date.now() + 5000;
      while (!events.some((e) => e.message?.body.startsWith('经由 nginx 的消息')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(events.some((e) => e.message?.body.startsWith('经由 nginx 的消息'))).toBe(true);
    } finally {
      await client.dispose();
    }
  });

  it('has no GraphiQL and no introspection in production', async () => {
    expect((await request(`${base}/graphiql`)).status).toBe(404);
    const introspection = await graphql(`{ __schema { types { name } } }`);
    expect(introspection.json.data?.__schema).toBeUndefined();
    expect(introspection.json.errors?.length).toBeGreaterThan(0);
  });

  it('spreads requests over both instances', () => {
    for (const server of servers) expect(server.output()).toContain('"url":"/graphql"');
  });

  it('refuses /metrics and the health endpoints to clients, a forged X-Forwarded-For included; they answer on the instances\' own ports', async () => {
    // A client claiming to be loopback must not pass the default METRICS_ALLOW, however the path is spelled.
    for (const spelling of ['/metrics', '/metrics/', '/METRICS', '/%6detrics', '//metrics', '/readyz', '/healthz', '/livez']) {
      const answer = await request(`${base}${spelling}`, { headers: { 'x-forwarded-for': '127.0.0.1' } });
      expect(answer.status, spelling).toBe(403);
      expect(answer.body.toString()).not.toContain('jiaoliu_');
    }
    expect((await request(`${base}/metrics?format=text`)).status).toBe(403);
    // Prometheus and the probes on this host read each instance directly.
    const direct = await fetch(`${servers[0].url}/metrics`);
    expect(direct.status).toBe(200);
    expect(await direct.text()).toContain('jiaoliu_http_requests_total');
    expect((await fetch(`${servers[0].url}/readyz`)).status).toBe(200);
  });

  it('an instance stopped with SIGTERM drains: its responses close their connections, and requests through nginx, mutations included, keep succeeding', async () => {
    const login = await graphql(LOGIN, { l: 'chenjing', p: PRODUCTION_PASSWORD });
    expect(login.json.errors).toBeUndefined();
    const cookie = ([] as string[]).concat(login.headers['set-cookie'] ?? [])[0].split(';')[0];
    const [{ conversation_id: conversationId }] = (await db!.query<{ conversation_id: string }>(`select conversation_id from chat_group where name = '政务服务工作交流'`)).rows;
    const SEND = `mutation($c: ID!, $b: String!, $k: String!) { sendMessage(conversationId: $c, body: $b, clientMessageId: $k) { id } }`;

    const stopping = servers[1];
    const stopped = stopping.stop('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    // Straight to the instance, on a kept-alive connection: not ready, and the connection is closed after the answer.
    const agent = new http.Agent({ keepAlive: true });
    const direct = await new Promise<http.IncomingMessage>((resolve, reject) => http.get({ host: '127.0.0.1', port: stopping.port, path: '/readyz', agent }, resolve).on('error', reject));
    direct.resume();
    expect(direct.statusCode).toBe(503);
    expect(direct.headers.connection).toBe('close');
    agent.destroy();

    // Through nginx, across the rest of the drain, the close and after: every request is answered.
    const failures: string[] = [];
    let sent = 0;
    let exited = false;
    void stopped.then(() => (exited = true));
    const until = Date.now() + DRAIN_MS + 2000;
    while (Date.now() < until || !exited) {
      const k = `nginx-drain-${sent++}`;
      const answer = await graphql(SEND, { c: conversationId, b: `停止期间的消息 ${k}`, k }, { cookie });
      if (answer.status !== 200 || answer.json.errors) failures.push(`${k}: ${answer.status} ${JSON.stringify(answer.json.errors)}`);
      const page = await request(`${base}/`);
      if (page.status !== 200) failures.push(`GET /: ${page.status}`);
      await new Promise((r) => setTimeout(r, 80));
      if (Date.now() > until + 20_000) break;
    }
    expect(await stopped).toBe(0);
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(10);
    const { rows } = await db!.query<{ n: string }>(`select count(*) as n from message where client_message_id like 'nginx-drain-%'`);
    expect(Number(rows[0].n)).toBe(sent);
  }, 60_000);
});
