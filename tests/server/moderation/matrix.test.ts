import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { count, sql, userId } from '../../helpers/demo.js';
import { signedIn, type Client } from '../../helpers/graphql.js';

/**
 * Who may act on whom, every actor role x target role x action, through the real API:
 * nobody on themselves; the owner on everyone else; admins on plain members only; a system
 * admin anywhere (here: not even a member of the group); plain members on no one. The owner
 * cannot be kicked or banned by anyone. Each allowed case must succeed and write an audit row;
 * each refused case must answer FORBIDDEN and write nothing.
 */
type ActorRole = 'OWNER' | 'ADMIN' | 'MEMBER' | 'SYSADMIN';
type TargetRole = 'OWNER' | 'ADMIN' | 'MEMBER' | 'SELF';
const ACTIONS = ['removeContent', 'restoreContent', 'moveMessageToBoard', 'warn', 'revokeWarning', 'mute', 'unmute', 'kick', 'ban', 'unban'] as const;
type Action = (typeof ACTIONS)[number];

function expected(actor: ActorRole, target: TargetRole, action: Action): boolean {
  // The owner acting on the owner is acting on themselves.
  if (target === 'SELF' || (actor === 'OWNER' && target === 'OWNER')) return false;
  const structural = (action === 'kick' || action === 'ban') && target === 'OWNER';
  if (actor === 'SYSADMIN') return !structural;
  if (actor === 'OWNER') return !structural;
  if (actor === 'ADMIN') return target === 'MEMBER';
  return false;
}

const ACTORS: Record<ActorRole, string> = { OWNER: 'lijinsong', ADMIN: 'chengyong', MEMBER: 'gouxiaoyan', SYSADMIN: 'zhaomin' };
/** Target people (distinct from the actors); SELF is the actor. */
const TARGETS: Record<Exclude<TargetRole, 'SELF'>, string> = { OWNER: 'lijinsong', ADMIN: 'zhangkaifeng', MEMBER: 'ningzhiyuan' };

let t: TestApp;
let groupId: string;
let conversationId: string;
let boardId: string;
const clients: Partial<Record<ActorRole, Client & { userId: string }>> = {};
const ids: Record<string, string> = {};
let n = 0;

const ROLE_OF: Record<string, 'owner' | 'admin' | 'member'> = { lijinsong: 'owner', chengyong: 'admin', zhangkaifeng: 'admin', gouxiaoyan: 'member', ningzhiyuan: 'member' };

/** Puts the target back as it was: a member with their role, unmuted, unbanned, with nothing pending. */
async function reset(login: string) {
  const id = ids[login];
  const role = ROLE_OF[login];
  await sql(t.orm, `delete from moderation_sanction where group_id = ? and user_id = ?`, [groupId, id]);
  if (!role) return; // the system admin is not a member
  await sql(t.orm, `insert into group_member (group_id, user_id, role, joined_at, rules_accepted_at) values (?, ?, ?, now(), now()) on conflict (group_id, user_id) do update set role = excluded.role, muted_until = null`, [groupId, id, role]);
  await sql(t.orm, `insert into conversation_member (conversation_id, user_id, last_read_seq, joined_at) values (?, ?, 0, now()) on conflict do nothing`, [conversationId, id]);
}

/** A message by `login` in the group conversation, written straight to the database (a muted person cannot send). */
async function messageBy(login: string, removed = false): Promise<string> {
  const [{ last_seq }] = await sql<{ last_seq: number }>(t.orm, `update conversation set last_seq = last_seq + 1 where id = ? returning last_seq`, [conversationId]);
  const [{ id }] = await sql<{ id: string }>(
    t.orm,
    `insert into message (id, conversation_id, seq, author_id, body, client_message_id, created_at, removed_at, removal_reason) values (gen_random_uuid(), ?, ?, ?, ?, ?, now(), ?, ?) returning id`,
    [conversationId, last_seq, ids[login], `矩阵测试消息 ${n}`, `matrix-${n++}-${Date.now()}`, removed ? new Date() : null, removed ? 'off_topic' : null],
  );
  return id;
}

async function prepare(action: Action, login: string): Promise<Record<string, unknown>> {
  const u = ids[login];
  switch (action) {
    case 'removeContent':
      return { c: await messageBy(login) };
    case 'restoreContent':
      return { c: await messageBy(login, true) };
    case 'moveMessageToBoard':
      return { c: await messageBy(login) };
    case 'revokeWarning': {
      const [{ id }] = await sql<{ id: string }>(t.orm, `insert into moderation_sanction (id, group_id, user_id, kind, reason, created_at) values (gen_random_uuid(), ?, ?, 'warning', 'off_topic', now()) returning id`, [groupId, u]);
      return { s: id };
    }
    case 'unmute':
      await sql(t.orm, `update group_member set muted_until = now() + interval '1 hour' where group_id = ? and user_id = ?`, [groupId, u]);
      return {};
    case 'unban':
      await sql(t.orm, `insert into moderation_sanction (id, group_id, user_id, kind, reason, created_at) values (gen_random_uuid(), ?, ?, 'ban', 'advertising', now())`, [groupId, u]);
      return {};
    default:
      return {};
  }
}

const MUTATIONS: Record<Action, string> = {
  removeContent: `mutation($c: ID!) { removeContent(contentType: MESSAGE, contentId: $c, reason: OFF_TOPIC) { notice } }`,
  restoreContent: `mutation($c: ID!) { restoreContent(contentType: MESSAGE, contentId: $c) }`,
  moveMessageToBoard: `mutation($c: ID!, $b: ID!) { moveMessageToBoard(messageId: $c, boardId: $b) { id } }`,
  warn: `mutation($g: ID!, $u: ID!) { warnMember(groupId: $g, userId: $u, reason: IMPROPER) { id } }`,
  revokeWarning: `mutation($s: ID!) { revokeWarning(sanctionId: $s, reason: "误判") { id } }`,
  mute: `mutation($g: ID!, $u: ID!) { muteMember(groupId: $g, userId: $u, minutes: 10, reason: OFF_TOPIC) { id } }`,
  unmute: `mutation($g: ID!, $u: ID!) { unmuteMember(groupId: $g, userId: $u) }`,
  kick: `mutation($g: ID!, $u: ID!) { kickMember(groupId: $g, userId: $u, reason: ADVERTISING) }`,
  ban: `mutation($g: ID!, $u: ID!) { banMember(groupId: $g, userId: $u, reason: ADVERTISING) { id } }`,
  unban: `mutation($g: ID!, $u: ID!) { unbanMember(groupId: $g, userId: $u) }`,
};

beforeAll(async () => {
  t = await startTestApp();
  for (const login of [...Object.values(ACTORS), ...Object.values(TARGETS)]) ids[login] = await userId(t.orm, login);
  for (const role of Object.keys(ACTORS) as ActorRole[]) clients[role] = await signedIn(t.url, ACTORS[role]);
  const { createGroup } = await clients.OWNER!.request(
    `mutation($input: GroupInput!) { createGroup(input: $input) { id conversation { id } boards { id } } }`,
    { input: { name: '权限矩阵测试群', purpose: '测试谁能处理谁', rules: '实名发言', visibility: 'INVITE_ONLY' } },
  );
  groupId = createGroup.id;
  conversationId = createGroup.conversation.id;
  boardId = createGroup.boards[0].id;
  for (const login of ['chengyong', 'zhangkaifeng', 'gouxiaoyan', 'ningzhiyuan']) await reset(login);
  // The system admin acts in a group they do not belong to (an invite-only one, even).
  expect(await count(t.orm, 'group_member', 'group_id = ? and user_id = ?', [groupId, ids.zhaomin])).toBe(0);
});
afterAll(() => t.close());

const cases: Array<[ActorRole, TargetRole, Action]> = [];
for (const actor of Object.keys(ACTORS) as ActorRole[]) for (const target of ['OWNER', 'ADMIN', 'MEMBER', 'SELF'] as TargetRole[]) for (const action of ACTIONS) cases.push([actor, target, action]);

describe('who may act on whom', () => {
  it.each(cases)('%s on %s: %s', async (actorRole, targetRole, action) => {
    const targetLogin = targetRole === 'SELF' ? ACTORS[actorRole] : TARGETS[targetRole];
    await reset(targetLogin);
    const vars = { g: groupId, u: ids[targetLogin], b: boardId, ...(await prepare(action, targetLogin)) };
    const audits = await count(t.orm, 'audit_log', `target_type = 'group' and target_id = ?`, [groupId]);
    const client = clients[actorRole]!;
    if (expected(actorRole, targetRole, action)) {
      await client.request(MUTATIONS[action], vars);
      expect(await count(t.orm, 'audit_log', `target_type = 'group' and target_id = ?`, [groupId])).toBe(audits + 1);
    } else {
      // The system admin is no member here: warning, muting or kicking themselves finds no member at all.
      const notAMember = actorRole === 'SYSADMIN' && targetRole === 'SELF' && ['warn', 'mute', 'unmute', 'kick'].includes(action);
      expect(await client.errorCode(MUTATIONS[action], vars)).toBe(notAMember ? 'NOT_FOUND' : 'FORBIDDEN');
      expect(await count(t.orm, 'audit_log', `target_type = 'group' and target_id = ?`, [groupId])).toBe(audits);
    }
    await reset(targetLogin);
  });

  it('answers NOT_FOUND to an outsider for the group, its people and its content', async () => {
    const outsider = await signedIn(t.url, 'yuanhao');
    expect(await outsider.errorCode(MUTATIONS.warn, { g: groupId, u: ids.ningzhiyuan })).toBe('NOT_FOUND');
    expect(await outsider.errorCode(MUTATIONS.removeContent, { c: await messageBy('ningzhiyuan') })).toBe('NOT_FOUND');
    expect(await outsider.errorCode(`query($g: ID!) { moderationQueue(groupId: $g) { openCount } }`, { g: groupId })).toBe('NOT_FOUND');
  });
});
