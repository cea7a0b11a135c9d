import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { sql } from '../../helpers/demo.js';
import { signedIn, type Client } from '../../helpers/graphql.js';

/**
 * Group.members(query:) for @-mention autocomplete: any member whose real name or login name
 * contains the text, those starting with it first, at most `first`; members only may search.
 */

const SEARCH = `query($g: ID!, $q: String, $first: Int) { group(id: $g) { id members(first: $first, query: $q) { totalCount pageInfo { hasNextPage } edges { node { role user { realName loginName } } } } } }`;

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
    const { group } = await li.request(SEARCH, { g: groupId, q: '批量成员', first: 5 });
    expect(group.members.pageInfo.hasNextPage).toBe(false);
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
