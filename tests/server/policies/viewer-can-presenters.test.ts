import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentRequest, OrgUnit, User } from '../../../server/db/entities/index.js';
import { groupForActor } from '../../../server/modules/groups/access.js';
import { discussionForActor, forumForActor, replyForActor, threadForActor } from '../../../server/modules/forum/access.js';
import { announcementForActor, meetingForActor } from '../../../server/modules/meetings/access.js';
import { abilities, can, GROUP_ABILITIES, meetingAbilities, REPLY_ABILITIES, THREAD_ABILITIES, UNIT_ABILITIES, userAbilities, type Actor } from '../../../server/policies/index.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { sql, userId } from '../../helpers/demo.js';
import { signedIn, type Client } from '../../helpers/graphql.js';

/**
 * Every presenter's viewerCan against the policies, through the real API: for each viewer and
 * each subject, the abilities the API shows must equal the policies' answers for the subject as
 * the services load it (their access helpers, which the mutations authorize against). A subject
 * the viewer may not see is NOT_FOUND on both sides. Message.viewerCan has its own oracle
 * (viewer-can.test.ts) that also runs the mutations.
 */
const VIEWERS = ['lijinsong', 'chengyong', 'gouxiaoyan', 'ningzhiyuan', 'zhaomin', 'zhangkaifeng'] as const;
type Login = (typeof VIEWERS)[number];
/** Group roles; ningzhiyuan, zhaomin (system admin) and zhangkaifeng (province admin) start outside. */
const ROLE: Partial<Record<Login, 'owner' | 'admin' | 'member'>> = { lijinsong: 'owner', chengyong: 'admin', gouxiaoyan: 'member' };

let t: TestApp;
const clients = {} as Record<Login, Client>;
const actors = {} as Record<Login, Actor>;
const ids = {} as Record<string, string>;

async function actorOf(login: Login): Promise<Actor> {
  const [row] = await sql(
    t.orm,
    `select u.id, u.unit_id, u.is_system_admin, array(select o.path from unit_admin ua join org_unit o on o.id = ua.unit_id where ua.user_id = u.id) as paths
       from app_user u where u.login_name = ?`,
    [login],
  );
  return { userId: row.id, sessionId: 'oracle', unitId: row.unit_id, isSystemAdmin: row.is_system_admin, adminUnitPaths: row.paths ?? [] };
}

const NOT_FOUND = 'NOT_FOUND';
/** What the API shows, or NOT_FOUND. */
async function shown(login: Login, query: string, variables: Record<string, unknown>, pick: (data: any) => unknown): Promise<unknown> {
  try {
    return pick(await clients[login].request(query, variables));
  } catch {
    const code = await clients[login].errorCode(query, variables);
    expect(code).toBe(NOT_FOUND);
    return NOT_FOUND;
  }
}
/** What the policies answer for the subject as a service loads it, or NOT_FOUND. */
async function decided(answer: (em: ReturnType<TestApp['orm']['em']['fork']>) => Promise<unknown>): Promise<unknown> {
  try {
    return await answer(t.orm.em.fork());
  } catch (error) {
    expect((error as { extensions?: { code?: string } }).extensions?.code).toBe(NOT_FOUND);
    return NOT_FOUND;
  }
}

interface Subject {
  query: string;
  variables: () => Record<string, unknown>;
  pick: (data: any) => unknown;
  policies: (em: ReturnType<TestApp['orm']['em']['fork']>, actor: Actor) => Promise<unknown>;
}

const SUBJECTS: Record<string, Subject> = {
  'Group.viewerCan, viewerCanIssueMeeting, viewerCanPostAnnouncement, moderation.viewerCanModerate': {
    query: `query($g: ID!) { group(id: $g) { viewerCan { ${GROUP_ABILITIES.join(' ')} } viewerCanIssueMeeting viewerCanPostAnnouncement moderation { viewerCanModerate } } }`,
    variables: () => ({ g: ids.group }),
    pick: (d) => ({ ...d.group.viewerCan, issueMeeting: d.group.viewerCanIssueMeeting, postAnnouncement: d.group.viewerCanPostAnnouncement, moderate: d.group.moderation.viewerCanModerate }),
    policies: async (em, actor) => {
      const access = await groupForActor(em, actor, ids.group);
      return { ...abilities(actor, access, GROUP_ABILITIES), ...abilities(actor, access, ['issueMeeting', 'postAnnouncement', 'moderate']) };
    },
  },
  'Thread.viewerCan': {
    query: `query($t: ID!) { thread(id: $t) { viewerCan { ${THREAD_ABILITIES.join(' ')} } } }`,
    variables: () => ({ t: ids.thread }),
    pick: (d) => d.thread.viewerCan,
    policies: async (em, actor) => abilities(actor, await threadForActor(em, actor, ids.thread), THREAD_ABILITIES),
  },
  'ThreadReply.viewerCan': {
    query: `query($t: ID!) { thread(id: $t) { replies(first: 5) { edges { node { id viewerCan { ${REPLY_ABILITIES.join(' ')} } } } } } }`,
    variables: () => ({ t: ids.thread }),
    pick: (d) => d.thread.replies.edges.find((e: { node: { id: string } }) => e.node.id === ids.reply).node.viewerCan,
    policies: async (em, actor) => abilities(actor, await replyForActor(em, actor, ids.reply), REPLY_ABILITIES),
  },
  'MeetingNotice.viewerCan': {
    query: `query($m: ID!) { meeting(id: $m) { viewerCan { answer manage } } }`,
    variables: () => ({ m: ids.meeting }),
    pick: (d) => d.meeting.viewerCan,
    policies: async (em, actor) => meetingAbilities(actor, await meetingForActor(em, actor, ids.meeting)),
  },
  'Announcement.viewerCanManage': {
    query: `query($a: ID!) { announcement(id: $a) { viewerCanManage } }`,
    variables: () => ({ a: ids.announcement }),
    pick: (d) => d.announcement.viewerCanManage,
    policies: async (em, actor) => can(actor, 'manage', await announcementForActor(em, actor, ids.announcement)),
  },
  'DiscussionGroup.viewerCanInvite, viewerCanArchive': {
    query: `query($d: ID!) { discussion(id: $d) { viewerCanInvite viewerCanArchive } }`,
    variables: () => ({ d: ids.discussion }),
    pick: (d) => ({ invite: d.discussion.viewerCanInvite, archive: d.discussion.viewerCanArchive }),
    policies: async (em, actor) => abilities(actor, await discussionForActor(em, actor, ids.discussion), ['invite', 'archive']),
  },
  'DocumentRequest.viewerCanClose': {
    query: `query($g: ID!) { group(id: $g) { documentRequests(includeClosed: true) { id viewerCanClose } } }`,
    variables: () => ({ g: ids.group }),
    pick: (d) => d.group.documentRequests.find((r: { id: string }) => r.id === ids.request).viewerCanClose,
    policies: async (em, actor) => {
      // As documents/requests.ts loads it: NOT_FOUND unless the viewer is a member of its group.
      const request = await em.findOneOrFail(DocumentRequest, { id: ids.request });
      await forumForActor(em, actor, request.group.id);
      return request.status === 'open' && can(actor, 'close', request);
    },
  },
  'OrgUnit.viewerCan (巴中市)': {
    query: `query($u: ID!) { orgUnit(id: $u) { viewerCan { ${UNIT_ABILITIES.join(' ')} } } }`,
    variables: () => ({ u: ids.bazhong }),
    pick: (d) => d.orgUnit.viewerCan,
    policies: async (em, actor) => abilities(actor, await em.findOneOrFail(OrgUnit, { id: ids.bazhong }), UNIT_ABILITIES),
  },
  'User.viewerCan (苟晓燕)': {
    query: `query($u: ID!) { user(id: $u) { viewerCan { review updateProfile updateIdentity manageStatus manageRoles } } }`,
    variables: () => ({ u: ids.gouxiaoyan }),
    pick: (d) => d.user.viewerCan,
    policies: async (em, actor) => userAbilities(actor, await em.findOneOrFail(User, { id: ids.gouxiaoyan }, { populate: ['unit', 'adminUnits'] })),
  },
  'User.viewerCan (程永, an admin of 巴中市)': {
    query: `query($u: ID!) { user(id: $u) { viewerCan { review updateProfile updateIdentity manageStatus manageRoles } } }`,
    variables: () => ({ u: ids.chengyong }),
    pick: (d) => d.user.viewerCan,
    policies: async (em, actor) => userAbilities(actor, await em.findOneOrFail(User, { id: ids.chengyong }, { populate: ['unit', 'adminUnits'] })),
  },
};

/** Puts the group's content in one of its states; each is checked for every viewer and subject. */
const STATES: Record<string, () => Promise<void>> = {
  'as created': async () => {},
  'muted, 全员禁言, locked, cancelled, archived, closed; the system admin joins as a member': async () => {
    await sql(t.orm, `update group_member set muted_until = now() + interval '1 hour' where group_id = ? and user_id = ?`, [ids.group, ids.gouxiaoyan]);
    await sql(t.orm, `update chat_group set muted_all_until = now() + interval '1 hour' where id = ?`, [ids.group]);
    await sql(t.orm, `update thread set locked_at = now() where id = ?`, [ids.thread]);
    await sql(t.orm, `update meeting_notice set status = 'cancelled' where id = ?`, [ids.meeting]);
    await sql(t.orm, `update discussion_group set archived_at = now() where id = ?`, [ids.discussion]);
    await sql(t.orm, `update document_request set status = 'closed', closed_at = now() where id = ?`, [ids.request]);
    await sql(t.orm, `insert into group_member (group_id, user_id, role, joined_at, rules_accepted_at) values (?, ?, 'member', now(), now())`, [ids.group, ids.zhaomin]);
  },
};

beforeAll(async () => {
  t = await startTestApp();
  for (const login of VIEWERS) {
    clients[login] = await signedIn(t.url, login);
    actors[login] = await actorOf(login);
    ids[login] = await userId(t.orm, login);
  }
  ids.bazhong = actors.lijinsong.unitId;
  const owner = clients.lijinsong;
  const { createGroup } = await owner.request(
    `mutation($input: GroupInput!) { createGroup(input: $input) { id conversation { id } boards { id name } } }`,
    { input: { name: '能力对照测试群', purpose: '界面与策略一致', rules: '实名发言', visibility: 'INVITE_ONLY' } },
  );
  ids.group = createGroup.id;
  for (const [login, role] of Object.entries(ROLE) as Array<[Login, string]>) {
    if (role === 'owner') continue;
    await sql(t.orm, `insert into group_member (group_id, user_id, role, joined_at, rules_accepted_at) values (?, ?, ?, now(), now())`, [ids.group, ids[login], role]);
    await sql(t.orm, `insert into conversation_member (conversation_id, user_id, last_read_seq, joined_at) values (?, ?, 0, now()) on conflict do nothing`, [createGroup.conversation.id, ids[login]]);
  }
  const member = clients.gouxiaoyan;
  const boardId = createGroup.boards.find((b: { name: string }) => b.name === '经验交流').id;
  ids.thread = (await member.request(`mutation($i: ThreadInput!) { createThread(input: $i) { id } }`, { i: { boardId, title: '能力对照', body: '正文' } })).createThread.id;
  ids.reply = (await member.request(`mutation($t: ID!, $b: String!) { replyToThread(threadId: $t, body: $b) { id } }`, { t: ids.thread, b: '回复' })).replyToThread.id;
  const hours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
  ids.meeting = (
    await owner.request(`mutation($i: MeetingInput!) { issueMeeting(input: $i) { id } }`, {
      i: { groupId: ids.group, title: '能力对照会', place: '三楼会议室', startsAt: hours(30), endsAt: hours(32), invitees: { scope: 'MEMBERS', memberIds: [ids.gouxiaoyan] } },
    })
  ).issueMeeting.id;
  ids.announcement = (await owner.request(`mutation($g: ID!) { postAnnouncement(groupId: $g, title: "公告", body: "内容") { id } }`, { g: ids.group })).postAnnouncement.id;
  ids.discussion = (await member.request(`mutation($g: ID!, $m: [ID!]!) { createDiscussion(groupId: $g, topic: "对照讨论", memberIds: $m) { id } }`, { g: ids.group, m: [ids.chengyong] })).createDiscussion.id;
  ids.request = (await member.request(`mutation($g: ID!) { requestDocument(groupId: $g, title: "找一份材料") { id } }`, { g: ids.group })).requestDocument.id;
});
afterAll(async () => {
  await t.close();
});

describe.each(Object.entries(STATES))('%s', (_state, apply) => {
  beforeAll(apply);
  describe.each(Object.entries(SUBJECTS))('%s', (_name, subject) => {
    it.each(VIEWERS)('as %s', async (login) => {
      const api = await shown(login, subject.query, subject.variables(), subject.pick);
      const policies = await decided((em) => subject.policies(em, actors[login]));
      expect(api).toEqual(policies);
    });
  });
});
