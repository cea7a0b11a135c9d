/**
 * npm run bench:accounts
 *
 * 1. Login timing: unknown name vs wrong password vs right password (SECURITY 7: "about the same
 *    time"), and the cost of one argon2id hash at our parameters.
 * 2. Directory at scale: synthetic units and officials, then the directory search over GraphQL
 *    (HTTP, real server) next to the same SQL run directly through the pool, in the same run.
 * Prints figures and ratios; nothing here passes or fails.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { MikroORM } from '@mikro-orm/postgresql';
import { buildApp } from '../../server/app.js';
import { loadConfig, NO_RATE_LIMITS } from '../../server/config.js';
import { startEmbeddedPostgres, tempDataDir } from '../../server/db/embedded.js';
import { migrate, ormOptions } from '../../server/db/orm.js';
import { PasswordHasher } from '../../server/modules/accounts/passwords.js';
import { DEMO_PASSWORD, loadDemoData } from '../../seeds/demo.js';
import { generateSynthetic } from '../../seeds/synthetic.js';

const UNITS = Number(process.env.BENCH_UNITS ?? 300);
const OFFICIALS = Number(process.env.BENCH_OFFICIALS ?? 30_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function time(fn: () => Promise<unknown>, rounds: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return samples;
}

const db = await startEmbeddedPostgres(tempDataDir('jiaoliu-bench-'));
try {
  await db.createDatabase('bench');
  const orm = await MikroORM.init(ormOptions(db.url('bench')));
  await migrate(orm);
  await loadDemoData(orm, new PasswordHasher(2, 1000));
  const seedStart = performance.now();
  await generateSynthetic(orm, { units: UNITS, officials: OFFICIALS });
  const seedMs = performance.now() - seedStart;
  // Generous throttle: this measures hashing, not lockout.
  const config = loadConfig({ port: 0, host: '127.0.0.1', logLevel: 'fatal', login: { ...loadConfig().login, maxFailuresPerAccount: 1e6, maxFailuresPerAddress: 1e6, windowMinutes: 15, hashConcurrency: 2, hashQueueLimit: 100, maxSlowdownMs: 0 }, rateLimit: NO_RATE_LIMITS });
  const app = await buildApp(config, orm);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/graphql`;
  const gql = async (query: string, variables: Record<string, unknown> = {}, token?: string) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return response.json() as Promise<{ data?: any; errors?: unknown[] }>;
  };
  const LOGIN = `mutation($l: String!, $p: String!) { login(loginName: $l, password: $p) { token } }`;

  console.log(`Jiaoliu accounts benchmark — ${new Date().toISOString()} — ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, Node ${process.version}`);
  console.log(`synthetic data: ${UNITS} units, ${OFFICIALS} officials seeded in ${fmt(seedMs)}`);

  const hasher = new PasswordHasher(1, 10);
  const hashSamples = await time(() => hasher.hash('benchmark-password-1'), 10);
  console.log(`\nargon2id (m=19456, t=2, p=1) hash: p50 ${fmt(pct(hashSamples, 50))}`);

  await gql(LOGIN, { l: 'lijinsong', p: DEMO_PASSWORD }); // warm up
  const unknown = await time(() => gql(LOGIN, { l: `nobody${Math.random()}`, p: 'wrong-password-x' }), ROUNDS);
  const wrong = await time(() => gql(LOGIN, { l: 'huangwei', p: 'wrong-password-x' }), ROUNDS);
  const right = await time(() => gql(LOGIN, { l: 'zhouli', p: DEMO_PASSWORD }), ROUNDS);
  console.log('\nlogin over HTTP (p50 / p95):');
  console.log(`  unknown name    ${fmt(pct(unknown, 50))} / ${fmt(pct(unknown, 95))}`);
  console.log(`  wrong password  ${fmt(pct(wrong, 50))} / ${fmt(pct(wrong, 95))}`);
  console.log(`  right password  ${fmt(pct(right, 50))} / ${fmt(pct(right, 95))}`);
  console.log(`  ratio unknown/wrong p50: ${(pct(unknown, 50) / pct(wrong, 50)).toFixed(2)} (1.00 = indistinguishable)`);

  const token = (await gql(LOGIN, { l: 'lijinsong', p: DEMO_PASSWORD })).data.login.token as string;
  const DIRECTORY = `query($q: String) { directory(filter: { query: $q }, first: 20) { edges { node { id realName title unit { name } } } } }`;
  const DIRECTORY_COUNTED = DIRECTORY.replace('first: 20) {', 'first: 20) { totalCount');
  const conn = orm.em.fork().getConnection();
  const direct = (q: string) =>
    conn.execute(
      `select u.id, u.real_name, u.title, o.name from app_user u join org_unit o on o.id = u.unit_id
        where u.status = 'active' and (u.real_name ilike ? or u.login_name ilike ? or u.title ilike ? or o.name ilike ?)
        order by u.real_name collate "pinyin", u.id limit 21`,
      Array(4).fill(`%${q}%`),
    );
  console.log(`\ndirectory search over ${OFFICIALS + 36} officials (first page of 20, p50 / p95):`);
  for (const q of ['王', '科长', '合成县']) {
    const api = await time(() => gql(DIRECTORY, { q }, token), ROUNDS);
    const counted = await time(() => gql(DIRECTORY_COUNTED, { q }, token), ROUNDS);
    const sqlOnly = await time(() => direct(q), ROUNDS);
    console.log(`  "${q}": GraphQL ${fmt(pct(api, 50))} / ${fmt(pct(api, 95))} (with totalCount ${fmt(pct(counted, 50))})   direct SQL ${fmt(pct(sqlOnly, 50))} / ${fmt(pct(sqlOnly, 95))}   API rate = ${((pct(sqlOnly, 50) / pct(api, 50)) * 100).toFixed(0)}% of direct SQL`);
  }
  const browse = await time(() => gql(`{ directory(first: 50) { totalCount edges { node { realName } } } }`, {}, token), ROUNDS);
  console.log(`  browse all (no filter), 50 per page: ${fmt(pct(browse, 50))} / ${fmt(pct(browse, 95))}`);

  await app.close();
  await orm.close(true);
} finally {
  await db.stop();
}
