import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfidentialityLevel, GroupRole } from '../../../server/db/entities/index.js';
import { ContentReaders, leadsGroup, leadsGroupSql, mayFind, mayFindSql, mayReadContent, mayReadSql, restrictedReaders, userMayRead, type ReadFacts } from '../../../server/policies/index.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { sql, userId } from '../../helpers/demo.js';
import { signedIn } from '../../helpers/graphql.js';

/**
 * Rules that also filter rows in SQL keep their predicate beside the TypeScript rule
 * (policies/confidentiality.ts, policies/search.ts). Here both run on every case of a table, the
 * SQL against real PostgreSQL (a VALUES list of content rows, with real group members, named
 * readers and threads), and must agree.
 */
const VIEWERS = ['gouxiaoyan', 'ningzhiyuan', 'chengyong', 'lijinsong', 'huangwei', 'zhaomin'] as const;
type Login = (typeof VIEWERS)[number];
/** gouxiaoyan writes everything; ningzhiyuan is named on restricted content; zhaomin (system admin) and huangwei are outside. */
const ROLE: Partial<Record<Login, GroupRole>> = { lijinsong: 'owner', chengyong: 'admin', gouxiaoyan: 'member', ningzhiyuan: 'member' };
const AUTHOR: Login = 'gouxiaoyan';
const NAMED: Login = 'ningzhiyuan';
const LEVELS: ConfidentialityLevel[] = ['normal', 'internal', 'restricted'];

let t: TestApp;
let groupId: string;
const ids = {} as Record<Login, string>;

const factsFor = (level: ConfidentialityLevel, viewer: Login, named: boolean): ReadFacts => ({
  level,
  viewerIsAuthor: viewer === AUTHOR,
  viewerIsNamed: named && viewer === NAMED,
  viewerRole: ROLE[viewer] ?? null,
});

/** A subject id whose restricted content names NAMED (content_audience), or names nobody. */
const subjects = { named: randomUUID(), unnamed: randomUUID() };

/** Runs `predicate` (SQL over alias x) on rows given as a VALUES list with typed columns; answers in row order. */
async function evaluate(columns: Array<[string, string]>, rows: unknown[][], predicate: string): Promise<boolean[]> {
  const tuple = `(${columns.map(([, type]) => `?::${type}`).join(', ')})`;
  const answers = await sql<{ n: number; may: boolean }>(
    t.orm,
    `select x.n, (${predicate}) as may from (values ${rows.map(() => tuple).join(', ')}) as x(${columns.map(([name]) => name).join(', ')}) order by x.n`,
    rows.flat(),
  );
  return answers.map((a) => a.may);
}

beforeAll(async () => {
  t = await startTestApp();
  for (const login of VIEWERS) ids[login] = await userId(t.orm, login);
  const owner = await signedIn(t.url, 'lijinsong');
  const { createGroup } = await owner.request(`mutation { createGroup(input: { name: "规则一致测试群", purpose: "策略与SQL一致", rules: "实名发言", visibility: INVITE_ONLY }) { id } }`);
  groupId = createGroup.id;
  for (const [login, role] of Object.entries(ROLE) as Array<[Login, GroupRole]>) {
    if (role !== 'owner') await sql(t.orm, `insert into group_member (group_id, user_id, role, joined_at, rules_accepted_at) values (?, ?, ?, now(), now())`, [groupId, ids[login], role]);
  }
  await sql(t.orm, `insert into content_audience (subject_id, user_id, kind) values (?, ?, 'message')`, [subjects.named, ids[NAMED]]);
});
afterAll(async () => {
  await t.close();
});

describe('reading confidential content: mayReadContent, ContentReaders and mayReadSql (jl_may_read)', () => {
  const cases = LEVELS.flatMap((level) => VIEWERS.flatMap((viewer) => [true, false].map((named) => ({ level, viewer, named }))));

  it(`agree on all ${cases.length} cases`, async () => {
    const rows = cases.map((c, n) => [n, c.named ? subjects.named : subjects.unnamed, c.level, ids[AUTHOR], groupId, ids[c.viewer]]);
    const inSql = await evaluate(
      [['n', 'int'], ['id', 'uuid'], ['level', 'text'], ['author', 'uuid'], ['grp', 'uuid'], ['viewer', 'uuid']],
      rows,
      mayReadSql('x.id', 'x.level', 'x.author', 'x.grp', 'x.viewer').text,
    );
    const table = cases.map((c, n) => {
      const facts = factsFor(c.level, c.viewer, c.named);
      const readers = c.level === 'restricted' ? restrictedReaders(ids[AUTHOR], c.named ? [ids[NAMED]] : [], { userId: ids[c.viewer], role: facts.viewerRole }) : null;
      return { ...c, rule: mayReadContent(facts), readers: userMayRead(ids[c.viewer], new ContentReaders(c.level, readers)), sql: inSql[n] };
    });
    for (const row of table) expect(row, JSON.stringify(row)).toMatchObject({ readers: row.rule, sql: row.rule });
    // The table is not trivial: restricted content is hidden from someone, shown to someone.
    expect(table.filter((r) => r.level === 'restricted').map((r) => r.rule)).toContain(false);
    expect(table.filter((r) => r.level === 'restricted').map((r) => r.rule)).toContain(true);
  });
});

describe('what a search may find: mayFind and mayFindSql', () => {
  it('messages', async () => {
    const cases = LEVELS.flatMap((level) => VIEWERS.flatMap((viewer) => [true, false].flatMap((named) => [true, false].map((recalled) => ({ level, viewer, named, recalled })))));
    const inSql = await evaluate(
      [['n', 'int'], ['id', 'uuid'], ['recalled_at', 'timestamptz'], ['confidentiality', 'text'], ['author_id', 'uuid'], ['group_id', 'uuid'], ['viewer', 'uuid']],
      cases.map((c, n) => [n, c.named ? subjects.named : subjects.unnamed, c.recalled ? new Date() : null, c.level, ids[AUTHOR], groupId, ids[c.viewer]]),
      mayFindSql.message('x', 'x.group_id', 'x.viewer').text,
    );
    cases.forEach((c, n) => expect(inSql[n], JSON.stringify(c)).toBe(mayFind.message({ recalled: c.recalled, content: factsFor(c.level, c.viewer, c.named) })));
  });

  it('threads', async () => {
    const cases = LEVELS.flatMap((level) => VIEWERS.flatMap((viewer) => [true, false].map((named) => ({ level, viewer, named }))));
    const inSql = await evaluate(
      [['n', 'int'], ['id', 'uuid'], ['confidentiality', 'text'], ['author_id', 'uuid'], ['group_id', 'uuid'], ['viewer', 'uuid']],
      cases.map((c, n) => [n, c.named ? subjects.named : subjects.unnamed, c.level, ids[AUTHOR], groupId, ids[c.viewer]]),
      mayFindSql.thread('x', 'x.viewer').text,
    );
    cases.forEach((c, n) => expect(inSql[n], JSON.stringify(c)).toBe(mayFind.thread({ content: factsFor(c.level, c.viewer, c.named) })));
  });

  it('replies, in real threads of every level, removed or not', async () => {
    const author = await signedIn(t.url, AUTHOR);
    const [board] = await sql<{ id: string }>(t.orm, `select id from board where group_id = ? order by position limit 1`, [groupId]);
    const threads: Array<{ id: string; level: ConfidentialityLevel; removed: boolean }> = [];
    for (const level of LEVELS) {
      for (const removed of [false, true]) {
        const { createThread } = await author.request(`mutation($i: ThreadInput!) { createThread(input: $i) { id } }`, { i: { boardId: board.id, title: `一致性 ${level} ${removed}`, body: '正文' } });
        await sql(t.orm, `update thread set confidentiality = ?, removed_at = ${removed ? 'now()' : 'null'} where id = ?`, [level, createThread.id]);
        threads.push({ id: createThread.id, level, removed });
      }
    }
    const cases = threads.flatMap((thread) => LEVELS.flatMap((level) => VIEWERS.flatMap((viewer) => [true, false].map((deleted) => ({ thread, level, viewer, deleted })))));
    const inSql = await evaluate(
      [['n', 'int'], ['id', 'uuid'], ['deleted_at', 'timestamptz'], ['confidentiality', 'text'], ['author_id', 'uuid'], ['group_id', 'uuid'], ['thread_id', 'uuid'], ['viewer', 'uuid']],
      cases.map((c, n) => [n, subjects.unnamed, c.deleted ? new Date() : null, c.level, ids[AUTHOR], groupId, c.thread.id, ids[c.viewer]]),
      mayFindSql.reply('x', 'x.viewer').text,
    );
    cases.forEach((c, n) =>
      expect(inSql[n], JSON.stringify(c)).toBe(
        mayFind.reply({ deleted: c.deleted, content: factsFor(c.level, c.viewer, false), thread: { removed: c.thread.removed, content: factsFor(c.thread.level, c.viewer, false) } }),
      ),
    );
  });
});

describe('who leads a group: leadsGroup and leadsGroupSql', () => {
  it('agree on every role and on none', async () => {
    const roles: Array<GroupRole | null> = ['owner', 'admin', 'member', null];
    const inSql = await evaluate([['n', 'int'], ['role', 'text']], roles.map((role, n) => [n, role]), leadsGroupSql('x.role').text);
    roles.forEach((role, n) => expect(inSql[n], String(role)).toBe(leadsGroup(role)));
    expect(roles.map(leadsGroup)).toEqual([true, true, false, false]);
  });
});
