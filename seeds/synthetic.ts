import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { MikroORM } from '@mikro-orm/postgresql';
import { PasswordHasher } from '../server/modules/accounts/passwords.js';
import { DEMO_PASSWORD } from './demo.js';

/**
 * Large synthetic data for benchmarks: N units under the province (a third of them cities,
 * the rest counties spread under those cities) and M active officials spread over them.
 * Rows are inserted with multi-row INSERTs; every official shares one password hash
 * (DEMO_PASSWORD), which is fine for synthetic data and keeps generation fast.
 */
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏建国志文斌宇浩凯峰永松海燕云飞晓东俊林波辉宁琳雪梅婷欣怡佳颖';
const TITLES = ['科员', '副科长', '科长', '副主任', '主任', '窗口工作人员', '督查员', '审批股股长', '综合股科员', '信息员'];

export interface SyntheticOptions {
  units: number;
  officials: number;
  /** Deterministic output for a given seed. */
  seed?: number;
}

function random(seed: number) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

export async function generateSynthetic(orm: MikroORM, options: SyntheticOptions): Promise<{ units: number; officials: number }> {
  const rand = random(options.seed ?? 2006);
  const pick = <T>(items: ArrayLike<T>) => items[Math.floor(rand() * items.length)];
  const em = orm.em.fork();
  const conn = em.getConnection();
  const hash = await new PasswordHasher(1, 10).hash(DEMO_PASSWORD);
  const run = Date.now().toString(36);

  return em.transactional(async (tem) => {
    const tx = tem.getTransactionContext();
    const [root] = await conn.execute<Array<{ id: string; path: string }>>(`select id, path from org_unit where parent_id is null order by created_at limit 1`, [], 'all', tx);
    let rootUnit = root;
    if (!rootUnit) {
      const id = randomUUID();
      rootUnit = { id, path: `/${id}/` };
      await conn.execute(`insert into org_unit (id, name, level, parent_id, path, sort_order, created_at) values (?, ?, 'province', null, ?, 0, now())`, [id, `合成省级中心-${run}`, rootUnit.path], 'run', tx);
    }
    const cities = Math.max(1, Math.round(options.units / 3));
    const units: Array<{ id: string; name: string; level: string; parent: string; path: string }> = [];
    for (let i = 0; i < options.units; i++) {
      const id = randomUUID();
      const isCity = i < cities;
      const parent = isCity ? rootUnit : units[i % cities];
      units.push({
        id,
        name: isCity ? `合成市${run}-${i + 1}政务服务中心` : `合成县${run}-${i + 1}政务服务中心`,
        level: isCity ? 'city' : 'county',
        parent: parent.id,
        path: `${parent.path}${id}/`,
      });
    }
    for (let i = 0; i < units.length; i += 500) {
      const batch = units.slice(i, i + 500);
      await conn.execute(
        `insert into org_unit (id, name, level, parent_id, path, sort_order, created_at) values ${batch.map(() => '(?, ?, ?, ?, ?, 0, now())').join(', ')}`,
        batch.flatMap((u) => [u.id, u.name, u.level, u.parent, u.path]),
        'run',
        tx,
      );
    }
    const allUnits = units.length ? units : [{ ...rootUnit, name: '', level: 'province', parent: '' }];
    for (let i = 0; i < options.officials; i += 1000) {
      const count = Math.min(1000, options.officials - i);
      const rows: unknown[] = [];
      for (let j = 0; j < count; j++) {
        const n = i + j;
        const name = pick(SURNAMES) + pick(GIVEN) + (rand() < 0.6 ? pick(GIVEN) : '');
        rows.push(randomUUID(), `syn${run}${n}`.slice(0, 32), name, pick(allUnits).id, pick(TITLES), hash);
      }
      await conn.execute(
        `insert into app_user (id, login_name, real_name, unit_id, title, status, is_system_admin, password_hash, password_changed_at, created_at, updated_at)
         values ${Array.from({ length: count }, () => `(?, ?, ?, ?, ?, 'active', false, ?, now(), now(), now())`).join(', ')}`,
        rows,
        'run',
        tx,
      );
    }
    return { units: units.length, officials: options.officials };
  }).then(async (result) => {
    // Fresh statistics, or the planner guesses badly on the first queries over the new rows.
    await conn.execute('analyze org_unit, app_user');
    return result;
  });
}

// CLI: npm run seed:synthetic -- --units 300 --officials 30000   (needs DATABASE_URL)
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('请设置 DATABASE_URL 指向要写入合成数据的 PostgreSQL 数据库');
    process.exit(2);
  }
  const { openOrm, migrate } = await import('../server/db/orm.js');
  const orm = await openOrm(url);
  await migrate(orm);
  const started = Date.now();
  const result = await generateSynthetic(orm, { units: arg('units', 300), officials: arg('officials', 30000) });
  console.log(`已生成 ${result.units} 个单位、${result.officials} 名人员，用时 ${Date.now() - started} ms`);
  await orm.close(true);
}
