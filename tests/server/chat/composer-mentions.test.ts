import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { sql } from '../../helpers/demo.js';
import { signedIn, type Client } from '../../helpers/graphql.js';

/**
 * Group.members(query:) for @-mention autocomplete: any member whose real name or login name
 * contains the text, those starting with it first, page by page (`after` goes on where a page
 * ended), totalCount the number of matches; members only may search.
 */

const SEARCH = `query($g: ID!, $q: String, $first: Int, $after: String) { group(id: $g) { id members(first: $first, after: $after, query: $q) {
  totalCount pageInfo { hasNextPage endCursor } edges { cursor node { role user { realName loginName } } } } } }`;

let t: TestApp;
let li: Client & { userId: string };
let outsider: Client & { userId: string };
let groupId: string;

const names = async (client: Client, q: string | null, first = 8): Promise<string[]> => {
  const { group } = await client.request(SEARCH, { g: groupId, q, first });
  return group.members.edges.map((e: any) => e.node.user.realName);
};

beforeAll(async () => {
  t = await startTestApp();
  [{ id: groupId }] = await sql<{ id: string }>(t.orm, `select id from chat_group where name = ?`, ['政务服务工作交流']);
  // 120 more members, then 欧阳明轩 and 明轩阳 (who joined last): beyond the first pages.
  await sql(
    t.orm,
    `insert into app_user (id, login_name, real_name, unit_id, title, status, password_hash, password_changed_at, created_at, updated_at)
     select gen_random_uuid(), 'bulk' || i, '批量成员' || i, unit_id, '科员', 'active', password_hash, now(), now(), now()
     from app_user, generate_series(1, 120) i where login_name = 'lijinsong'
     union all select gen_random_uuid(), 'ouyangmingxuan', '欧阳明轩', unit_id, '副科长', 'active', password_hash, now(), now(), now() from app_user where login_name = 'lijinsong'
     union all select gen_random_uuid(), 'mingxuanyang', '明轩阳', unit_id, '科员', 'active', password_hash, now(), now(), now() from app_user where login_name = 'lijinsong'
     union all select gen_random_uuid(), 'not_a_member', '欧阳非成员', unit_id, '科员', 'active', password_hash, now(), now(), now() from app_user where login_name = 'lijinsong'`,
  );
  await sql(
    t.orm,
    `insert into group_member (group_id, user_id, role, joined_at, rules_accepted_at)
     select ?, u.id, 'member', now() + (row_number() over (order by u.login_name like 'bulk%' desc, u.login_name)) * interval '1 second', now()
     from app_user u where u.login_name like 'bulk%' or u.login_name in ('ouyangmingxuan', 'mingxuanyang')`,
    [groupId],
  );
  await sql(t.orm, `update chat_group set member_count = (select count(*) from group_member where group_id = ?) where id = ?`, [groupId, groupId]);
  [li, outsider] = await Promise.all([signedIn(t.url, 'lijinsong'), signedIn(t.url, 'not_a_member')]);
});

afterAll(async () => {
  await t?.close();
});

describe('member search for @-mentions', () => {
  it('finds members beyond the first pages by part of the name or login name, starting matches first', async () => {
    expect(await names(li, '明轩')).toEqual(['明轩阳', '欧阳明轩']);
    expect(await names(li, 'yangming')).toEqual(['欧阳明轩']);
    expect(await names(li, 'MINGXUAN')).toEqual(['明轩阳', '欧阳明轩']);
    // Only members: 欧阳非成员 is not one.
    expect(await names(li, '欧阳')).toEqual(['欧阳明轩']);
    // LIKE wildcards are text.
    expect(await names(li, '%')).toEqual([]);
    expect(await names(li, '批量成员', 5)).toHaveLength(5);
  });

  it('counts the matches, not the group, and pages through them with cursors', async () => {
    const count = async (q: string) => (await li.request(SEARCH, { g: groupId, q, first: 5 })).group.members.totalCount;
    expect(await count('明轩')).toBe(2);
    expect(await count('欧阳')).toBe(1);
    expect(await count('%')).toBe(0);
    expect(await count('批量成员')).toBe(120);
    // 120 matches, 50 a page: three pages, each going on where the last ended, none twice.
    const seen: string[] = [];
    let after: string | null = null;
    for (let n = 0; n < 3; n++) {
      const { group }: { group: any } = await li.request(SEARCH, { g: groupId, q: '批量成员', first: 50, after });
      const edges = group.members.edges;
      expect(edges).toHaveLength(n < 2 ? 50 : 20);
      expect(group.members.pageInfo.hasNextPage).toBe(n < 2);
      expect(new Set(edges.map((e: any) => e.cursor)).size).toBe(edges.length);
      expect(group.members.pageInfo.endCursor).toBe(edges.at(-1).cursor);
      seen.push(...edges.map((e: any) => e.node.user.loginName));
      after = group.members.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(120);
    // Starting matches first across pages too: 明轩阳 then 欧阳明轩, one a page.
    const first = await li.request(SEARCH, { g: groupId, q: '明轩', first: 1 });
    expect(first.group.members.edges.map((e: any) => e.node.user.realName)).toEqual(['明轩阳']);
    const second = await li.request(SEARCH, { g: groupId, q: '明轩', first: 1, after: first.group.members.pageInfo.endCursor });
    expect(second.group.members.edges.map((e: any) => e.node.user.realName)).toEqual(['欧阳明轩']);
    expect(second.group.members.pageInfo.hasNextPage).toBe(false);
    expect(await li.errorCode(SEARCH, { g: groupId, q: '明轩', first: 1, after: 'bm90IGEgY3Vyc29y' })).toBe('BAD_USER_INPUT');
  });

  it('without a query lists members page by page as before', async () => {
    const { group } = await li.request(SEARCH, { g: groupId, q: null, first: 100 });
    expect(group.members.edges).toHaveLength(100);
    expect(group.members.pageInfo.hasNextPage).toBe(true);
    expect(group.members.edges[0].node.role).toBe('OWNER');
  });

  it('answers a non-member nothing, and refuses a query over 30 characters', async () => {
    expect(await names(outsider, '欧阳')).toEqual([]);
    expect(await li.errorCode(SEARCH, { g: groupId, q: '长'.repeat(31), first: 8 })).toBe('BAD_USER_INPUT');
  });
});
